import { finalStageRoot } from '../../../src/lint/rules/final-stage-root';
import { ruleTester } from '../rule-tester';

ruleTester(finalStageRoot, {
  valid: [
    'FROM debian:12-slim\nRUN useradd --system app\nUSER app\nCMD ["app"]',
    { name: 'numeric user and group', code: 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]' },
    { name: 'root for the install steps, then a user', code: 'FROM debian:12-slim\nUSER root\nRUN apt-get update\nUSER 1000' },
    { name: 'distroless nonroot sets its user', code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]' },
    { name: 'a -nonroot tag, through a parent stage', code: 'FROM gcr.io/distroless/base-debian12:debug-nonroot AS base\nFROM base\nCOPY app /app' },
    { name: 'build stages may run as root', code: 'FROM golang:1.22 AS build\nUSER root\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app' },
    { name: 'user from an ARG default', code: 'FROM alpine:3.20\nARG APP_UID=10001\nUSER ${APP_UID}' },
    { name: 'an unset variable is not judged', code: 'FROM alpine:3.20\nARG APP_USER\nUSER $APP_USER' },
    { name: 'heredoc and mounts before the USER', code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk <<EOF\nadduser -D app\nEOF\nUSER app' },
  ],
  invalid: [
    { code: 'FROM debian:12-slim\nCOPY app /usr/local/bin/app\nCMD ["app"]', findings: [{ line: 1, message: 'runs as root unless the base image debian:12-slim sets a USER' }] },
    { code: 'FROM node:20\nUSER node\nRUN npm ci\nUSER root', findings: [{ line: 4, message: 'USER root is the last USER' }] },
    { code: 'FROM alpine:3.20\nUSER 0:0', findings: [{ line: 2, message: 'USER 0:0' }] },
    { code: 'FROM alpine:3.20\nUSER root:wheel', findings: [{ line: 2 }] },
    { name: 'USER from an ARG default that is root', code: 'FROM alpine:3.20\nARG RUN_AS=root\nUSER ${RUN_AS}', findings: [{ line: 3, message: 'USER root' }] },
    { name: 'FROM scratch without USER', code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app', findings: [{ line: 3, message: 'built FROM scratch: the container runs as root (uid 0)' }] },
    { name: 'a USER of the parent stage is inherited', code: 'FROM debian:12 AS base\nUSER root\nFROM base\nRUN true', findings: [{ line: 2 }] },
    { name: 'a nonroot base switched back to root', code: 'FROM gcr.io/distroless/static:nonroot\nUSER 0\nCOPY app /app', findings: [{ line: 2 }] },
    { name: 'reported at the target FROM', code: 'FROM alpine:3.20 AS app\nUSER 1000\nFROM debian:12-slim AS release\nCOPY --from=app /etc/os-release /x', findings: [{ line: 3, message: 'debian:12-slim' }] },
  ],
});
