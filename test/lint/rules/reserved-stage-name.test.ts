import { reservedStageName } from '../../../src/lint/rules/reserved-stage-name';
import { ruleTester } from '../rule-tester';

ruleTester(reservedStageName, {
  valid: ['FROM alpine:3.20 AS base\nFROM scratch'],
  invalid: [{ code: 'FROM alpine:3.20 AS context\nFROM scratch', findings: [{ line: 1, message: "'context' is reserved" }] }],
});
