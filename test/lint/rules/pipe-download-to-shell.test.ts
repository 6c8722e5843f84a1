import { pipeDownloadToShell } from '../../../src/lint/rules/pipe-download-to-shell';
import { ruleTester } from '../rule-tester';

ruleTester(pipeDownloadToShell, {
  valid: [
    'FROM debian:12\nRUN curl -fsSLo /tmp/i.sh https://x/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c - && sh /tmp/i.sh',
    'FROM debian:12\nRUN curl -fsSL https://x/t.tgz | tar -xz',
    'FROM debian:12\nRUN curl -fsSL https://x/i.sh | tee /tmp/i.sh > /dev/null',
    'FROM debian:12\nRUN echo ok | sh',
  ],
  invalid: [
    // Issue 17 (3 of 253 files): installer scripts run as they download.
    { code: 'FROM debian:12\nRUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs', findings: [{ line: 2, message: '`curl … | bash` runs a downloaded script' }] },
    { code: 'FROM alpine:3.20\nRUN wget -qO- https://sh.rustup.rs | sh -s -- -y', findings: [{ line: 2, message: '`wget … | sh`' }] },
    { code: 'FROM python:3.12\nRUN curl -sSL https://install.python-poetry.org | python3 -', findings: [{ line: 2, message: 'python3' }] },
  ],
});
