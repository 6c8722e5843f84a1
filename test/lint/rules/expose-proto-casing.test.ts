import { exposeProtoCasing } from '../../../src/lint/rules/expose-proto-casing';
import { ruleTester } from '../rule-tester';

ruleTester(exposeProtoCasing, {
  valid: ['FROM nginx:1.27\nEXPOSE 80/tcp 53/udp 8080'],
  invalid: [{ code: 'FROM nginx:1.27\nEXPOSE 80/TCP', findings: [{ line: 2, message: "'80/TCP'" }] }],
});
