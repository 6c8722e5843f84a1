import { cdInsteadOfWorkdir } from '../../../src/lint/rules/cd-instead-of-workdir';
import { ruleTester } from '../rule-tester';

ruleTester(cdInsteadOfWorkdir, {
  valid: [
    'FROM node:20\nWORKDIR /app\nRUN npm ci',
    'FROM debian:12\nRUN make -C /src && echo "$(cd /tmp && pwd)"',
    "FROM debian:12\nRUN sh -c 'cd /src && make'",
    {
      name: 'a build directory the RUN removes, as the official images build from source',
      code: 'FROM debian:12\nRUN set -eux; \\\n  mkdir -p /usr/src/python; \\\n  cd /usr/src/python; \\\n  ./configure && make install; \\\n  cd /; \\\n  rm -rf /usr/src/python',
    },
    { name: 'a temporary directory removed by its variable', code: 'FROM debian:12\nRUN tempDir="$(mktemp -d)"; cd "$tempDir"; make; rm -rf "$tempDir"' },
    { name: 'cd .. out of a removed source tree, as the node images build', code: 'FROM alpine:3.20\nRUN tar -xf node.tar.xz && cd "node-v$V" && make install && cd .. && rm -Rf "node-v$V"' },
    { name: 'a directory inside one that is removed', code: 'FROM alpine:3.20\nRUN cd /usr/src/redis/deps && make && rm -r /usr/src/redis/' },
  ],
  invalid: [
    { code: 'FROM node:20\nRUN cd /app && npm ci', findings: [{ line: 2, message: '`cd /app` in a RUN' }] },
    { name: 'the official images build in a cd', code: 'FROM debian:12\nRUN set -eux; \\\n  cd /usr/src/python; \\\n  ./configure && make', findings: [{ line: 3 }] },
    { name: 'a directory that stays', code: 'FROM debian:12\nRUN cd /opt/app && make && rm -rf /opt/app/build', findings: [{ line: 2, message: '`cd /opt/app`' }] },
  ],
});
