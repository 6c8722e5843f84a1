import { copyWholeStage } from '../../../src/lint/rules/copy-whole-stage';
import { ruleTester } from '../rule-tester';

ruleTester(copyWholeStage, {
  valid: ['FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app', 'FROM scratch AS rootfs\nCOPY rootfs/ /\nFROM scratch\nCOPY --from=rootfs / /srv/'],
  invalid: [{ code: 'FROM debian:12 AS build\nRUN make\nFROM debian:12-slim\nCOPY --from=build / /', findings: [{ line: 4, message: 'copies the whole file system of build' }] }],
});
