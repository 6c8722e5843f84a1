import { redundantTargetPlatform } from '../../../src/lint/rules/redundant-target-platform';
import { ruleTester } from '../rule-tester';

ruleTester(redundantTargetPlatform, {
  valid: ['FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.20'],
  invalid: [{ code: 'FROM --platform=${TARGETPLATFORM} alpine:3.20', findings: [{ line: 1, message: 'is redundant' }] }],
});
