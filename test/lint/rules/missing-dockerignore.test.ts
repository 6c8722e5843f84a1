import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint } from '../../../src/lint/linter';
import { ignoreFileCandidates, missingDockerignore } from '../../../src/lint/rules/missing-dockerignore';
import { ruleTester } from '../rule-tester';

const EMPTY_CONTEXT = { 'main.go': 'package main\n' };

ruleTester(missingDockerignore, {
  valid: [
    { name: 'the context has a .dockerignore', code: 'FROM golang:1.22\nCOPY . /src', context: { '.dockerignore': '.git\n' } },
    { name: 'named sources only', code: 'FROM golang:1.22\nCOPY go.mod go.sum main.go /src/', context: EMPTY_CONTEXT },
    { name: 'unknown context (Dockerfile from stdin)', code: 'FROM golang:1.22\nCOPY . /src' },
    { name: 'COPY --from a stage', code: 'FROM alpine:3.20 AS a\nFROM scratch\nCOPY --from=a / /', context: EMPTY_CONTEXT },
    { name: 'a bind mount of the context', code: 'FROM golang:1.22\nRUN --mount=type=bind,target=/src go build -C /src', context: EMPTY_CONTEXT },
    { name: 'heredoc', code: 'FROM alpine:3.20\nCOPY <<EOF /etc/app.conf\nport=80\nEOF', context: EMPTY_CONTEXT },
  ],
  invalid: [
    {
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app',
      context: EMPTY_CONTEXT,
      findings: [{ line: 3, message: 'COPY . takes the whole build context, which has no .dockerignore nor Dockerfile.dockerignore' }],
    },
    {
      name: 'a build stage counts: the context is still sent and cached',
      code: 'FROM golang:1.22 AS build\nCOPY ./ /src\nRUN go build -o /app /src\nFROM scratch\nCOPY --from=build /app /app',
      context: EMPTY_CONTEXT,
      findings: [{ line: 2 }],
    },
    { name: 'reported once, at the first whole-context copy', code: 'FROM node:20 AS build\nCOPY . .\nFROM node:20-slim\nADD . /app', context: EMPTY_CONTEXT, findings: [{ line: 2 }] },
    { name: '--exclude does not stop the context from being sent', code: 'FROM node:20\nCOPY --link --exclude=.git . /app', context: EMPTY_CONTEXT, findings: [{ line: 2 }] },
    { name: 'an ignore file elsewhere does not count', code: 'FROM node:20\nCOPY * /app/', context: { 'sub/.dockerignore': '.git\n' }, findings: [{ line: 2 }] },
  ],
});

describe('Dockerfile-specific ignore files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'scratchify-dockerignore-'));
    mkdirSync(join(root, 'docker'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const lintIn = (file: string) =>
    lint({ dockerfile: { text: 'FROM node:20\nCOPY . /app', file }, contextDir: root, rules: [missingDockerignore] }).findings.map((finding) => finding.message);

  it('accepts <Dockerfile name>.dockerignore next to the Dockerfile, outside the context root', () => {
    const dockerfile = join(root, 'docker', 'Dockerfile.prod');
    writeFileSync(`${dockerfile}.dockerignore`, '.git\n');
    expect(lintIn(dockerfile)).toEqual([]);
  });

  it('does not take another Dockerfile’s ignore file', () => {
    writeFileSync(join(root, 'docker', 'Dockerfile.dev.dockerignore'), '.git\n');
    expect(lintIn(join(root, 'docker', 'Dockerfile.prod'))).toEqual([expect.stringContaining('nor Dockerfile.prod.dockerignore next to the Dockerfile')]);
  });

  it('looks for the Dockerfile-specific file first, then the context’s .dockerignore', () => {
    expect(ignoreFileCandidates('docker/Dockerfile.prod', '/ctx')).toEqual(['docker/Dockerfile.prod.dockerignore', '/ctx/.dockerignore']);
    expect(ignoreFileCandidates('<stdin>', '/ctx')).toEqual(['/ctx/.dockerignore']);
  });
});

describe('the build context when the user did not name it', () => {
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'scratchify-repo-'));
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'build', 'docker'), { recursive: true });
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  const lintWith = (contextGiven: boolean) =>
    lint({
      dockerfile: { text: 'FROM golang:1.22\nCOPY . /src\nRUN go build ./...', file: join(repo, 'build', 'docker', 'Dockerfile') },
      contextDir: join(repo, 'build', 'docker'),
      contextGiven,
      rules: [missingDockerignore],
    }).findings.map((finding) => finding.message);

  // Issue 17: a Dockerfile under build/docker/ of a repository whose root has the .dockerignore is built with
  // `docker build -f build/docker/Dockerfile .` from the root.
  it('takes a .dockerignore at the repository root as the sign of the real context', () => {
    writeFileSync(join(repo, '.dockerignore'), '.git\n');
    expect(lintWith(false)).toEqual([]);
  });

  it('still judges the context the user named with --context', () => {
    writeFileSync(join(repo, '.dockerignore'), '.git\n');
    expect(lintWith(true)).toEqual([expect.stringContaining('which has no .dockerignore')]);
  });

  it('says the context was guessed when no ignore file is found up to the repository root', () => {
    expect(lintWith(false)).toEqual([expect.stringContaining('name the real one with --context')]);
  });
});
