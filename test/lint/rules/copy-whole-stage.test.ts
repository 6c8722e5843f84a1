import { copyWholeStage } from '../../../src/lint/rules/copy-whole-stage';
import { ruleTester } from '../rule-tester';

ruleTester(copyWholeStage, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    'FROM scratch AS rootfs\nCOPY rootfs/ /\nFROM scratch\nCOPY --from=rootfs / /srv/',
    {
      name: 'a cross-compilation helper copied whole into a build stage, as buildx and BuildKit do',
      code: 'FROM tonistiigi/xx:1.6 AS xx\nFROM golang:1.22 AS build\nCOPY --from=xx / /\nRUN xx-go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    },
  ],
  invalid: [
    { code: 'FROM debian:12 AS build\nRUN make\nFROM debian:12-slim\nCOPY --from=build / /', findings: [{ line: 4, message: 'copies the whole file system of build' }] },
    { name: 'in a stage the final one is built on', code: 'FROM debian:12 AS build\nRUN make\nFROM debian:12-slim AS app\nCOPY --from=build / /\nFROM app\nCMD ["app"]', findings: [{ line: 4 }] },
  ],
});
