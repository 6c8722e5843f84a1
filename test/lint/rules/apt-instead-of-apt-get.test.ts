import { aptInsteadOfAptGet } from '../../../src/lint/rules/apt-instead-of-apt-get';
import { ruleTester } from '../rule-tester';

ruleTester(aptInsteadOfAptGet, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-cache policy curl', 'FROM debian:12\nRUN echo apt is fine as a word'],
  invalid: [
    { code: 'FROM ubuntu:24.04\nRUN apt update && apt install -y curl', findings: [{ line: 2, message: '`apt update` in a script' }] },
    { name: 'through sudo', code: 'FROM ubuntu:24.04\nRUN sudo apt install -y curl', findings: [{ line: 2, message: '`apt install`' }] },
  ],
});
