import { consecutiveRun } from '../../../src/lint/rules/consecutive-run';
import { ruleTester } from '../rule-tester';

ruleTester(consecutiveRun, {
  valid: ['FROM debian:12\nRUN a && b\nCOPY x /x\nRUN c', 'FROM debian:12 AS build\nRUN a\nRUN b\nFROM scratch\nCOPY --from=build /x /x'],
  invalid: [{ code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nRUN echo ok', findings: [{ line: 3, message: 'follows another RUN' }] }],
});
