import { shellSymlink } from '../../../src/lint/rules/shell-symlink';
import { ruleTester } from '../rule-tester';

ruleTester(shellSymlink, {
  valid: ['FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN ln -s /usr/bin/python3 /usr/local/bin/python'],
  invalid: [{ code: 'FROM debian:12\nRUN ln -sf /bin/bash /bin/sh', findings: [{ line: 2, message: 'changes /bin/sh for the whole image' }] }],
});
