import { multipleInstructions } from '../../../src/lint/rules/multiple-instructions';
import { ruleTester } from '../rule-tester';

ruleTester(multipleInstructions, {
  valid: ['FROM nginx:1.27\nCMD ["nginx"]', 'FROM nginx:1.27 AS a\nCMD ["a"]\nFROM a\nCMD ["b"]'],
  invalid: [
    { code: 'FROM nginx:1.27\nCMD ["nginx"]\nHEALTHCHECK CMD true\nCMD ["nginx", "-g", "daemon off;"]\nHEALTHCHECK NONE', findings: [{ line: 2, message: 'Multiple CMD instructions' }, { line: 3, message: 'Multiple HEALTHCHECK' }] },
  ],
});
