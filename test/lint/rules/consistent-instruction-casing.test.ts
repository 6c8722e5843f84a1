import { consistentInstructionCasing } from '../../../src/lint/rules/consistent-instruction-casing';
import { ruleTester } from '../rule-tester';

ruleTester(consistentInstructionCasing, {
  valid: ['FROM alpine:3.20\nRUN true\nCMD ["sh"]', 'from alpine:3.20\nrun true'],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN true\nrun false\nCmd ["sh"]', findings: [{ line: 3, message: "Command 'run' should match the case of the command majority (uppercase)" }, { line: 4, message: "'Cmd'" }] },
  ],
});
