import { shellFormCommand } from '../../../src/lint/rules/shell-form-command';
import { ruleTester } from '../rule-tester';

ruleTester(shellFormCommand, {
  valid: [
    'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\nCMD ["--port", "80"]',
    { name: 'exec replaces the shell', code: 'FROM debian:12\nCMD exec nginx -g "daemon off;"' },
    { name: 'SHELL set: deliberate, as BuildKit', code: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nCMD echo $HOME' },
    { name: 'only the effective CMD counts', code: 'FROM debian:12\nCMD echo first\nCMD ["/bin/true"]' },
    { name: 'build stages are not the image', code: 'FROM debian:12 AS build\nCMD make\nFROM scratch\nCOPY --from=build /out /app\nCMD ["/app"]' },
  ],
  invalid: [
    { code: 'FROM node:20\nWORKDIR /app\nCMD node server.js', findings: [{ line: 3, message: 'CMD is in shell form' }] },
    { code: 'FROM debian:12\nENTRYPOINT /usr/bin/app \\\n  --flag\nCMD ["x"]', findings: [{ line: 2, message: 'ENTRYPOINT' }] },
    { name: 'inherited from the parent stage', code: 'FROM debian:12 AS base\nCMD app --serve\nFROM base\nRUN true', findings: [{ line: 2 }] },
  ],
});
