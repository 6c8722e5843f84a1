import { cdInsteadOfWorkdir } from '../../../src/lint/rules/cd-instead-of-workdir';
import { ruleTester } from '../rule-tester';

ruleTester(cdInsteadOfWorkdir, {
  valid: ['FROM node:20\nWORKDIR /app\nRUN npm ci', 'FROM debian:12\nRUN make -C /src && echo "$(cd /tmp && pwd)"', "FROM debian:12\nRUN sh -c 'cd /src && make'"],
  invalid: [
    { code: 'FROM node:20\nRUN cd /app && npm ci', findings: [{ line: 2, message: '`cd /app` in a RUN' }] },
    { name: 'the official images build in a cd', code: 'FROM debian:12\nRUN set -eux; \\\n  cd /usr/src/python; \\\n  ./configure && make', findings: [{ line: 3 }] },
  ],
});
