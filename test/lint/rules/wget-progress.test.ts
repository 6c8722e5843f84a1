import { wgetProgress } from '../../../src/lint/rules/wget-progress';
import { ruleTester } from '../rule-tester';

ruleTester(wgetProgress, {
  valid: ['FROM debian:12\nRUN wget -q https://x && wget -nv https://y && wget --progress=dot:giga https://z && wget -qO- https://w'],
  invalid: [{ code: 'FROM debian:12\nRUN wget -O /tmp/big.tgz https://x/big.tgz', findings: [{ line: 2, message: '`wget` without -q' }] }],
});
