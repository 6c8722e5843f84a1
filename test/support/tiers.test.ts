/**
 * The tier machinery itself: jest.config.js puts every test file in exactly one tier by its path, the gates find
 * what is missing (a Docker client that is not there, an engine without the base images, tools not on PATH), and
 * the closing line says what was skipped.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { checkEngine } from './docker';
import { missingHostTools } from './host-tools';
import { skippedLine } from './skipped-suites';

const REPO = resolve(__dirname, '..', '..');

interface ProjectConfig {
  displayName: string;
  testMatch: string[];
  testPathIgnorePatterns: string[];
}

/** The projects that would run `file` (absolute), by jest.config.js's testMatch and testPathIgnorePatterns. */
function projectsOf(file: string): string[] {
  const config = require(join(REPO, 'jest.config.js')) as { projects: ProjectConfig[] };
  const withRoot = (pattern: string) => pattern.replace('<rootDir>', REPO);
  return config.projects
    .filter((project) => project.testMatch.some((glob) => picomatch.isMatch(file, withRoot(glob))))
    .filter((project) => !project.testPathIgnorePatterns.some((pattern) => new RegExp(withRoot(pattern)).test(file)))
    .map((project) => project.displayName);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** An executable shell script in a fresh folder. */
function script(name: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-tiers-'));
  temp.push(dir);
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('jest.config.js tiers', () => {
  it.each([
    ['test/e2e/samples.test.ts', 'e2e'],
    ['test/e2e/deeper/any.host.test.ts', 'e2e'],
    ['test/oracle/lddtree.e2e.test.ts', 'e2e'],
    ['test/image/tar-scanner.host.test.ts', 'host'],
    ['test/image/tar-scanner.test.ts', 'fast'],
    ['test/support/tiers.test.ts', 'fast'],
  ])('puts %s in the %s tier', (file, tier) => {
    expect(projectsOf(join(REPO, file))).toEqual([tier]);
  });

  it('puts every test file of the repository in exactly one tier', () => {
    const files = testFiles(join(REPO, 'test'));
    expect(files.length).toBeGreaterThan(50);
    const ambiguous = files.filter((file) => projectsOf(file).length !== 1).map((file) => relative(REPO, file));
    expect(ambiguous).toEqual([]);
  });
});

describe('the Docker gate', () => {
  it('finds no client where there is none', () => {
    expect(checkEngine(join(tmpdir(), 'no-such-docker-client'))).toEqual({ available: false, reason: `no Docker client at ${join(tmpdir(), 'no-such-docker-client')}` });
  });

  it('reports what the client says when no engine answers', () => {
    const client = script('docker', 'echo "Cannot connect to the Docker daemon" >&2; exit 1');
    expect(checkEngine(client)).toEqual({ available: false, reason: `no Docker Engine answers through ${client} (Cannot connect to the Docker daemon)` });
  });

  it('refuses an engine that lacks a base image, naming it, without trying to pull it', () => {
    const client = script('docker', 'case "$*" in info*) echo 20.10.24 ;; *bookworm-slim*) exit 1 ;; image\\ inspect*) echo sha256:1 ;; *) exit 3 ;; esac');
    expect(checkEngine(client)).toEqual({ available: false, reason: 'the Docker Engine 20.10.24 lacks the offline base image debian:bookworm-slim' });
  });

  it('accepts an engine with both base images', () => {
    const client = script('docker', 'case "$*" in info*) echo 20.10.24 ;; image\\ inspect*) echo sha256:1 ;; *) exit 3 ;; esac');
    expect(checkEngine(client)).toEqual({ available: true, serverVersion: '20.10.24' });
  });
});

describe('the host tools gate', () => {
  it('looks commands up on PATH and absolute paths on disk', () => {
    const tool = script('scratchify-test-tool', 'exit 0');
    const saved = process.env.PATH;
    process.env.PATH = join(tool, '..');
    try {
      expect(missingHostTools(['scratchify-test-tool', 'no-such-tool', tool, join(tmpdir(), 'no-such-file')])).toEqual(['no-such-tool', join(tmpdir(), 'no-such-file')]);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('the closing line', () => {
  const remedy = 'Run `sudo bash test/e2e/engine.sh` to install what they need.';

  it('is absent when nothing was skipped', () => {
    expect(skippedLine([])).toBeUndefined();
  });

  it('lists each skipped tier with its files and reasons, tools merged, and each remedy once', () => {
    const line = skippedLine([
      { tier: 'host', file: join(REPO, 'test/a.host.test.ts'), suite: 'a', reason: 'not found: skopeo', items: ['skopeo'], remedy },
      { tier: 'host', file: join(REPO, 'test/b.host.test.ts'), suite: 'b', reason: 'not found: gcc, skopeo', items: ['gcc', 'skopeo'], remedy },
      { tier: 'e2e', file: join(REPO, 'test/c.e2e.test.ts'), suite: 'c', reason: 'no Docker client at /x', remedy },
      { tier: 'e2e', file: join(REPO, 'test/c.e2e.test.ts'), suite: 'd', reason: 'no Docker client at /x', remedy },
    ]);
    expect(line).toBe(
      'scratchify tests skipped 1 test file of the e2e tier (no Docker client at /x) and 2 of the host tier (not found: gcc, skopeo). ' + remedy,
    );
  });
});
