import { pointlessCommand } from '../../../src/lint/rules/pointless-command';
import { ruleTester } from '../rule-tester';

ruleTester(pointlessCommand, {
  valid: ['FROM debian:12\nRUN apt-get install -y procps vim openssh-client', 'FROM debian:12\nRUN echo "$(ps -o comm= 1)"'],
  invalid: [
    { code: 'FROM debian:12\nRUN service mysql start && mysql < /init.sql', findings: [{ line: 2, message: '`service` in a RUN' }] },
    { code: 'FROM debian:12\nRUN kill -9 1 || true', findings: [{ line: 2 }] },
  ],
});
