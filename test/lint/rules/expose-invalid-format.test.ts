import { exposeInvalidFormat } from '../../../src/lint/rules/expose-invalid-format';
import { ruleTester } from '../rule-tester';

ruleTester(exposeInvalidFormat, {
  valid: ['FROM nginx:1.27\nEXPOSE 80 443/tcp 8000-8010 $PORT'],
  invalid: [
    { code: 'FROM nginx:1.27\nEXPOSE 127.0.0.1:8080:80', findings: [{ line: 2, message: 'should not define an IP address or host-port mapping' }] },
    { code: 'FROM nginx:1.27\nEXPOSE 70000', findings: [{ line: 2, message: 'ports range from 0 to 65535' }] },
  ],
});
