import { fromPlatformFlagConst } from '../../../src/lint/rules/from-platform-flag-const';
import { ruleTester } from '../rule-tester';

ruleTester(fromPlatformFlagConst, {
  valid: ['FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM --platform=linux/amd64 alpine:3.20 AS tools-amd64'],
  invalid: [{ code: 'FROM --platform=linux/amd64 golang:1.22 AS build', findings: [{ line: 1, message: 'constant value "linux/amd64"' }] }],
});
