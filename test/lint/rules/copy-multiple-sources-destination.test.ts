import { copyMultipleSourcesDestination } from '../../../src/lint/rules/copy-multiple-sources-destination';
import { ruleTester } from '../rule-tester';

ruleTester(copyMultipleSourcesDestination, {
  valid: ['FROM node:20\nCOPY package.json package-lock.json /app/', 'FROM node:20\nWORKDIR /app\nCOPY a b .', 'FROM node:20\nCOPY a /app'],
  invalid: [{ code: 'FROM node:20\nCOPY package.json package-lock.json /app', findings: [{ line: 2, message: 'COPY of 2 sources to "/app"' }] }],
});
