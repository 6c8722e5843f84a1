import { invalidDefaultArgInFrom } from '../../../src/lint/rules/invalid-default-arg-in-from';
import { ruleTester } from '../rule-tester';

ruleTester(invalidDefaultArgInFrom, {
  valid: ['ARG TAG=3.20\nFROM alpine:${TAG}', 'ARG TAG\nFROM alpine:${TAG:-3.20}', 'ARG BASE=build\nFROM golang:1.22 AS build\nFROM ${BASE}', 'ARG VARIANT\nFROM alpine:3.20${VARIANT}'],
  invalid: [
    { code: 'ARG TAG\nFROM alpine:${TAG}', findings: [{ line: 2, message: 'empty or invalid base image name: "alpine:"' }] },
    { name: 'the build argument the FROM needs is not judged, its default is', code: 'ARG IMAGE\nFROM ${IMAGE}', buildArgs: { IMAGE: 'alpine:3.20' }, findings: [{ line: 2, message: '""' }] },
  ],
});
