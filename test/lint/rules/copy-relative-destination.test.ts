import { copyRelativeDestination } from '../../../src/lint/rules/copy-relative-destination';
import { ruleTester } from '../rule-tester';

ruleTester(copyRelativeDestination, {
  valid: ['FROM python:3.12\nWORKDIR /app\nCOPY app.py ./', 'FROM python:3.12\nCOPY app.py /app/', 'FROM scratch\nCOPY app app', 'FROM python:3.12 AS base\nWORKDIR /src\nFROM base\nCOPY . .'],
  invalid: [{ code: 'FROM python:3.12-slim\nCOPY app.py app/', findings: [{ line: 2, message: 'relative destination "app/"' }] }],
});
