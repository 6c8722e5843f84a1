import { workdirRelativePath } from '../../../src/lint/rules/workdir-relative-path';
import { ruleTester } from '../rule-tester';

ruleTester(workdirRelativePath, {
  valid: ['FROM node:20\nWORKDIR /app\nWORKDIR src', 'FROM node:20 AS base\nWORKDIR /app\nFROM base\nWORKDIR src', 'FROM node:20\nWORKDIR $HOME/app', '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app'],
  invalid: [{ code: 'FROM node:20\nWORKDIR app\nWORKDIR /srv', findings: [{ line: 2, message: 'Relative workdir "app"' }] }],
});
