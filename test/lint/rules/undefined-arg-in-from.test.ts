import { undefinedArgInFrom } from '../../../src/lint/rules/undefined-arg-in-from';
import { ruleTester } from '../rule-tester';

ruleTester(undefinedArgInFrom, {
  valid: ['ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.20'],
  invalid: [
    { code: 'ARG NODE_VERSION=20\nFROM node:${NODE_VERSON}-slim', findings: [{ line: 2, message: "FROM argument 'NODE_VERSON' is not declared (did you mean NODE_VERSION?)" }] },
    { name: 'a stage ENV is not visible to FROM', code: 'FROM alpine:3.20\nENV TAG=3.20\nFROM alpine:$TAG', findings: [{ line: 3, message: "'TAG' is not declared" }] },
  ],
});
