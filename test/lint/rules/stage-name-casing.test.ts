import { stageNameCasing } from '../../../src/lint/rules/stage-name-casing';
import { ruleTester } from '../rule-tester';

ruleTester(stageNameCasing, {
  valid: ['FROM golang:1.22 AS build-env'],
  invalid: [{ code: 'FROM golang:1.22 AS Build\nFROM build', findings: [{ line: 1, message: "Stage name 'Build' should be lowercase" }] }],
});
