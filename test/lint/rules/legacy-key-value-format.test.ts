import { legacyKeyValueFormat } from '../../../src/lint/rules/legacy-key-value-format';
import { ruleTester } from '../rule-tester';

ruleTester(legacyKeyValueFormat, {
  valid: ['FROM debian:12\nENV A=1 B="two words"\nLABEL org.opencontainers.image.title=app'],
  invalid: [
    // Issue 17 (59 of 253 files): the official images' `ENV NAME value` lines.
    { code: 'FROM buildpack-deps:bookworm\nENV PYTHON_VERSION 3.12.4\nLABEL maintainer "Jane <j@example.com>"', findings: [{ line: 2, message: 'ENV PYTHON_VERSION <value>' }, { line: 3, message: 'LABEL maintainer=<value>' }] },
  ],
});
