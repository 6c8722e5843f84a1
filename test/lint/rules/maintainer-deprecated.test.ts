import { maintainerDeprecated } from '../../../src/lint/rules/maintainer-deprecated';
import { ruleTester } from '../rule-tester';

ruleTester(maintainerDeprecated, {
  valid: ['FROM debian:12\nLABEL org.opencontainers.image.authors="Jane <j@example.com>"'],
  invalid: [{ code: 'FROM debian:12\nMAINTAINER Jane Doe <j@example.com>', findings: [{ line: 2, message: 'MAINTAINER is deprecated' }] }],
});
