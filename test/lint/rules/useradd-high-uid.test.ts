import { useraddHighUid } from '../../../src/lint/rules/useradd-high-uid';
import { ruleTester } from '../rule-tester';

ruleTester(useraddHighUid, {
  valid: [
    'FROM debian:12\nRUN useradd -u 1000 app',
    'FROM debian:12\nRUN useradd -l -u 1000000 app && useradd --no-log-init --uid=2000000 svc && useradd -lmu 3000000 x',
    'FROM debian:12\nRUN useradd -u "$UID" app',
  ],
  invalid: [
    // Issue 17 (15 of 253 files): CI images creating a user with the host's large UID.
    { code: 'FROM debian:12\nRUN groupadd -g 1000000 ci && useradd -m -u 1000000 -g ci ci', findings: [{ line: 2, message: 'UID 1000000 and without -l' }] },
    { code: 'FROM debian:12\nRUN useradd --uid=123456 app', findings: [{ line: 2, message: 'UID 123456' }] },
  ],
});
