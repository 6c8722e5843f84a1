import { finalStageRoot } from '../../../src/lint/rules/final-stage-root';
import { PRESETS, type LintConfig } from '../../../src/lint/config';
import { lint } from '../../../src/lint/linter';
import { ruleTester } from '../rule-tester';

ruleTester(finalStageRoot, {
  valid: [
    'FROM debian:12-slim\nRUN useradd --system app\nUSER app\nCMD ["app"]',
    { name: 'numeric user and group', code: 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]' },
    { name: 'root for the install steps, then a user', code: 'FROM debian:12-slim\nUSER root\nRUN apt-get update\nUSER 1000' },
    { name: 'distroless nonroot sets its user', code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]' },
    { name: 'an architecture-specific nonroot tag (issue 17)', code: 'FROM gcr.io/distroless/static-debian12:nonroot-amd64\nCOPY app /app\nENTRYPOINT ["/app"]' },
    { name: 'debug-nonroot with an architecture, pinned by digest', code: 'FROM gcr.io/distroless/base-debian12:debug-nonroot-arm64@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1\nCOPY app /app' },
    { name: 'a -nonroot tag, through a parent stage', code: 'FROM gcr.io/distroless/base-debian12:debug-nonroot AS base\nFROM base\nCOPY app /app' },
    { name: 'build stages may run as root', code: 'FROM golang:1.22 AS build\nUSER root\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app' },
    { name: 'user from an ARG default', code: 'FROM alpine:3.20\nARG APP_UID=10001\nUSER ${APP_UID}' },
    { name: 'an unset variable is not judged', code: 'FROM alpine:3.20\nARG APP_USER\nUSER $APP_USER' },
    { name: 'heredoc and mounts before the USER', code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk <<EOF\nadduser -D app\nEOF\nUSER app' },
  ],
  invalid: [
    { code: 'FROM debian:12-slim\nCOPY app /usr/local/bin/app\nCMD ["app"]', findings: [{ line: 1, message: 'runs as root unless the base image debian:12-slim sets a USER' }] },
    { code: 'FROM node:20\nUSER node\nRUN npm ci\nUSER root', findings: [{ line: 4, message: 'USER root is the last USER' }] },
    { code: 'FROM alpine:3.20\nUSER 0:0\nCMD ["app"]', findings: [{ line: 2, message: 'USER 0:0' }] },
    { code: 'FROM alpine:3.20\nUSER root:wheel\nENTRYPOINT ["app"]', findings: [{ line: 2 }] },
    { name: 'USER from an ARG default that is root', code: 'FROM alpine:3.20\nARG RUN_AS=root\nUSER ${RUN_AS}\nCMD ["app"]', findings: [{ line: 3, message: 'USER root' }] },
    { name: 'FROM scratch without USER', code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]', findings: [{ line: 3, message: 'built FROM scratch: the container runs as root (uid 0)' }] },
    { name: 'a USER of the parent stage is inherited', code: 'FROM debian:12 AS base\nUSER root\nFROM base\nCMD ["app"]', findings: [{ line: 2 }] },
    { name: 'a nonroot base switched back to root', code: 'FROM gcr.io/distroless/static:nonroot\nUSER 0\nCOPY app /app', findings: [{ line: 2 }] },
    { name: 'reported at the target FROM', code: 'FROM alpine:3.20 AS app\nUSER 1000\nFROM debian:12-slim AS release\nCOPY --from=app /etc/os-release /x\nCMD ["x"]', findings: [{ line: 3, message: 'debian:12-slim' }] },
    { name: 'an application on a server image inherits its CMD: not a base image', code: 'FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/', findings: [{ line: 1, message: 'unless the base image nginx:1.27 sets a USER' }] },
  ],
});

describe('a base image’s own Dockerfile (issue 17: reported on 209 of 253 real files)', () => {
  const findings = (code: string, file = 'Dockerfile', config?: LintConfig) =>
    lint({ dockerfile: { text: code, file }, rules: [finalStageRoot], config }).findings.map((finding) => [finding.severity, finding.message]);

  it('reports at info a Dockerfile whose final image runs nothing of its own on a distribution', () => {
    // The shape of buildpack-deps and other base images: packages and environment, no CMD or ENTRYPOINT.
    const [[severity, message]] = findings('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*\nENV LANG C.UTF-8');
    expect(severity).toBe('info');
    expect(message).toContain('looks like it builds a base image, since its final image sets no CMD or ENTRYPOINT on a bare base');
  });

  it('reports at info a Dockerfile with ONBUILD triggers or a base-image file name', () => {
    expect(findings('FROM node:20\nONBUILD COPY . /app\nCMD ["node"]')[0][0]).toBe('info');
    expect(findings('FROM python:3.12\nCMD ["python3"]', 'images/Dockerfile.base')[0][0]).toBe('info');
    expect(findings('FROM python:3.12\nCMD ["python3"]', 'base/Dockerfile')[0][0]).toBe('info');
    expect(findings('FROM python:3.12\nCMD ["python3"]', 'app/Dockerfile')[0][0]).toBe('warning');
  });

  it('keeps the severity the config sets, and the base-image preset turns the rule off', () => {
    const code = 'FROM debian:bookworm\nENV LANG C.UTF-8';
    expect(findings(code, 'Dockerfile', { rules: { 'final-stage-root': 'warning' } })[0][0]).toBe('warning');
    expect(findings(code, 'Dockerfile', { rules: { ...PRESETS['base-image'] } })).toEqual([]);
  });
});
