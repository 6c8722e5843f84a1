import { lint } from '../../../src/lint/linter';
import { buildToolKind, buildToolsInFinalStage } from '../../../src/lint/rules/build-tools-in-final-stage';
import { ruleTester } from '../rule-tester';

describe('buildToolKind', () => {
  it.each(['gcc', 'g++-12', 'clang-17', 'build-essential', 'build-base', 'make', 'cmake', 'golang-go', 'cargo', 'openjdk-17-jdk-headless', 'default-jdk'])('%s is a compiler or build tool', (name) => {
    expect(buildToolKind(name)).toBe('compiler or build tool');
  });
  it.each(['libssl-dev', 'openssl-devel', 'musl-dev', 'linux-headers'])('%s is a development package', (name) => {
    expect(buildToolKind(name)).toBe('development package');
  });
  it.each([['python3-pip', 'package manager'], ['npm', 'package manager'], ['git', 'version-control client'], ['mercurial', 'version-control client']])('%s is a %s', (name, kind) => {
    expect(buildToolKind(name)).toBe(kind);
  });
  it.each(['libssl3', 'ca-certificates', 'nodejs', 'python3', 'openjdk-17-jre-headless', 'devscripts-el', 'tzdata', 'gitk-lite'])('%s is not one', (name) => {
    expect(buildToolKind(name)).toBeUndefined();
  });
});

ruleTester(buildToolsInFinalStage, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends libssl3 ca-certificates && rm -rf /var/lib/apt/lists/*',
    { name: 'build stage only', code: 'FROM debian:12 AS build\nRUN apt-get install -y gcc make git\nFROM scratch\nCOPY --from=build /out /app' },
    { name: 'apk virtual group deleted in the same RUN', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps' },
    { name: 'purged in the same RUN', code: 'FROM debian:12\nRUN apt-get install -y gcc libc6-dev && make && apt-get purge -y gcc libc6-dev' },
    {
      name: 'official-image pattern: apt-mark auto, then purge --auto-remove',
      code: 'FROM debian:12\nRUN savedAptMark="$(apt-mark showmanual)"; apt-get install -y gcc libffi-dev; make; apt-mark auto \'.*\' > /dev/null; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false',
    },
    { name: 'removed by a later RUN: cleanup-in-separate-layer reports it', code: 'FROM debian:12\nRUN apt-get install -y git\nRUN git clone https://x/y /y\nRUN apt-get purge -y git' },
    { name: 'pip packages are not system packages', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir gitpython' },
    { name: 'runtime images without a toolchain', code: 'FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar' },
    {
      name: 'BuildKit syntax: heredoc build with virtual group, --mount, --link',
      code: 'FROM alpine:3.20\nCOPY --link --exclude=*.md . /src\nRUN --mount=type=cache,target=/etc/apk/cache <<EOT\nset -e\napk add --virtual .build gcc make musl-dev\nmake -C /src\napk del .build\nEOT',
    },
  ],
  invalid: [
    {
      code: 'FROM debian:bookworm-slim\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends gcc libc6-dev && \\\n    rm -rf /var/lib/apt/lists/*\nCMD ["app"]',
      findings: [{ line: 3, message: 'installs build tools that stay in the final image: gcc, libc6-dev (compiler or build tool, development package)' }],
    },
    { code: 'FROM debian:12\nRUN apt-get install -y git digital-clock\nCMD ["app"]', findings: [{ line: 2, message: 'git (version-control client)' }] },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache py3-pip build-base=0.5-r3\nCMD ["app"]', findings: [{ line: 2, message: 'py3-pip, build-base' }] },
    { code: 'FROM fedora:40\nRUN sudo dnf -y install gcc-c++ openssl-devel && dnf clean all\nCMD ["app"]', findings: [{ line: 2, message: 'gcc-c++, openssl-devel' }] },
    { name: 'only part of the packages removed', code: 'FROM debian:12\nRUN apt-get install -y gcc make && apt-get purge -y gcc\nCMD ["app"]', findings: [{ line: 2, message: 'make (compiler or build tool)' }] },
    { code: 'FROM golang:1.22\nCOPY . /src\nRUN go build -o /app /src', findings: [{ line: 1, message: 'built on golang:1.22, which carries the Go toolchain' }] },
    { code: 'FROM node:20\nCOPY . /app\nCMD ["node", "/app/server.js"]', findings: [{ line: 1, message: 'gcc, make and git' }] },
    { code: 'FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar', findings: [{ line: 1, message: 'a JDK' }] },
  ],
});

describe('a build environment’s own Dockerfile (issue 17: the golang images)', () => {
  const findings = (code: string) => lint({ dockerfile: { text: code, file: 'Dockerfile' }, rules: [buildToolsInFinalStage] }).findings.map((finding) => [finding.severity, finding.message]);

  it('reports the toolchain base and the installed compilers at info when the final image runs nothing of its own', () => {
    // The shape of docker-library/golang: buildpack-deps, gcc and friends, no CMD or ENTRYPOINT.
    const found = findings('FROM buildpack-deps:bookworm-scm\nRUN apt-get update && apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config && rm -rf /var/lib/apt/lists/*\nENV GOPATH /go');
    expect(found.map(([severity]) => severity)).toEqual(['info', 'info']);
    expect(found[1][1]).toContain('g++, gcc, libc6-dev, make, pkg-config');
    expect(found[1][1]).toContain('looks like it builds a base image');
  });

  it('keeps warning when the image runs a program', () => {
    expect(findings('FROM debian:12\nRUN apt-get install -y gcc\nCMD ["app"]').map(([severity]) => severity)).toEqual(['warning']);
  });
});
