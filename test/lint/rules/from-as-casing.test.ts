import { fromAsCasing } from '../../../src/lint/rules/from-as-casing';
import { ruleTester } from '../rule-tester';

ruleTester(fromAsCasing, {
  valid: ['FROM golang:1.22 AS build', 'from golang:1.22 as build', 'From golang:1.22 as build'],
  invalid: [
    // Issue 17 (19 of 253 files).
    { code: 'FROM golang:1.22 as build\nFROM alpine:3.20', findings: [{ line: 1, message: "'as' and 'FROM' keywords' casing do not match" }] },
    { code: 'from golang:1.22 AS build', findings: [{ line: 1 }] },
  ],
});
