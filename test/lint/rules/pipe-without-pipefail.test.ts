import { pipeWithoutPipefail } from '../../../src/lint/rules/pipe-without-pipefail';
import { ruleTester } from '../rule-tester';

ruleTester(pipeWithoutPipefail, {
  valid: [
    'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://x/t.tgz | tar -xz',
    'FROM debian:12\nRUN set -eux -o pipefail; curl -fsSL https://x/t.tgz | tar -xz',
    'FROM debian:12\nRUN set -euxo pipefail && wget -qO- https://x | tar -x',
    { name: 'SHELL inherited from the stage it is built on', code: 'FROM debian:12 AS base\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nFROM base\nRUN a | b' },
    { name: 'exec form has no shell', code: 'FROM debian:12\nRUN ["sh", "-c", "a | b"]' },
    { name: 'a pipe inside sh -c runs in its own shell', code: "FROM debian:12\nRUN sh -c 'a | b'" },
    {
      name: 'a checksum fed by echo, as the official images verify downloads',
      code: 'FROM debian:12\nRUN set -eux; \\\n  wget -O python.tar.xz "$URL"; \\\n  echo "$PYTHON_SHA256 *python.tar.xz" | sha256sum -c -',
    },
    { name: 'printf into a file reader', code: "FROM alpine:3.20\nRUN printf '%s\\n' \"$KEY\" | gpg --import" },
    { name: 'PowerShell', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem | Select-Object Name' },
  ],
  invalid: [
    // Issue 17 (69 of 253 files), as the official images write it.
    {
      code: 'FROM debian:12\nRUN set -eux; \\\n  dpkg-query --show --showformat \'${package}\\n\' | sort -u | xargs -r apt-mark manual',
      findings: [{ line: 3, message: '`dpkg-query … | …` hides a failure of `dpkg-query`' }],
    },
    { code: 'FROM alpine:3.20\nRUN wget -qO- https://x/t.tgz | tar -xz -C /opt && echo done', findings: [{ line: 2, message: 'wget' }] },
    {
      name: 'the first pipeline that can hide a failure, past one fed by echo',
      code: 'FROM debian:12\nRUN echo "$SUM  f" | sha256sum -c - && \\\n  curl -fsSL https://x/t.tgz | tar -xz',
      findings: [{ line: 3, message: '`curl … | …` hides a failure of `curl`' }],
    },
    { name: 'set -o pipefail after the pipe does not count', code: 'FROM debian:12\nRUN a | b && set -o pipefail', findings: [{ line: 2 }] },
  ],
});
