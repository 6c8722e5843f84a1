import { unusedStage } from '../../../src/lint/rules/unused-stage';
import { ruleTester } from '../rule-tester';

ruleTester(unusedStage, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    { name: 'used as a base', code: 'FROM alpine:3.20 AS base\nFROM base\nRUN true' },
    { name: 'used through a mount', code: 'FROM alpine:3.20 AS deps\nRUN mkdir /deps\nFROM alpine:3.20\nRUN --mount=from=deps,source=/deps,target=/deps ls /deps' },
    { name: 'used by index', code: 'FROM alpine:3.20\nRUN echo hi > /x\nFROM scratch\nCOPY --from=0 /x /x' },
    { name: 'used transitively', code: 'FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nCOPY --from=a /etc/hosts /h\nFROM scratch\nCOPY --from=b /h /h' },
    'FROM alpine:3.20',
  ],
  invalid: [
    {
      code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM golang:1.22 AS lint\nRUN go vet ./...\nFROM scratch\nCOPY --from=build /app /app',
      findings: [{ line: 3, message: 'stage "lint" (FROM golang:1.22) is not needed to build the target stage 2: BuildKit skips it' }],
    },
    { name: 'unnamed stage', code: 'FROM alpine:3.20\nRUN true\nFROM scratch\nCOPY app /app', findings: [{ line: 1, message: 'stage 0 (FROM alpine:3.20)' }] },
    {
      name: 'stages after --target',
      code: 'FROM alpine:3.20 AS release\nCOPY app /app\nFROM release AS test\nRUN ./run-tests\nFROM release AS dev\nRUN apk add gdb',
      target: 'release',
      findings: [{ line: 3, message: 'target "release"' }, { line: 5, message: 'stage "dev"' }],
    },
  ],
});
