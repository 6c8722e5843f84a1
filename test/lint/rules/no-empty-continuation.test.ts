import { noEmptyContinuation } from '../../../src/lint/rules/no-empty-continuation';
import { ruleTester } from '../rule-tester';

ruleTester(noEmptyContinuation, {
  valid: ['FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl'],
  invalid: [{ code: 'FROM debian:12\nRUN apt-get update && \\\n\n    apt-get install -y curl', findings: [{ line: 3, message: 'Empty continuation line' }] }],
});
