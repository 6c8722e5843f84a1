import { wgetAndCurl } from '../../../src/lint/rules/wget-and-curl';
import { ruleTester } from '../rule-tester';

ruleTester(wgetAndCurl, {
  valid: ['FROM debian:12\nRUN curl -fsSLo a https://x/a && curl -fsSLo b https://x/b', 'FROM debian:12 AS a\nRUN wget -q https://x\nFROM debian:12\nCOPY --from=a /x /x\nRUN curl -fsSL https://y'],
  invalid: [{ code: 'FROM debian:12\nRUN wget -q https://x/a\nRUN curl -fsSLo b https://x/b', findings: [{ line: 3, message: 'already downloads with wget' }] }],
});
