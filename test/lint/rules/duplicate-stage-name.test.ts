import { duplicateStageName } from '../../../src/lint/rules/duplicate-stage-name';
import { ruleTester } from '../rule-tester';

ruleTester(duplicateStageName, {
  valid: ['FROM golang:1.22 AS build-go\nFROM node:20 AS build-web'],
  invalid: [{ code: 'FROM golang:1.22 AS build\nFROM node:20 AS Build', findings: [{ line: 2, message: 'Duplicate stage name "build"' }] }],
});
