/**
 * JSON outputs carry names that are not UTF-8 as lone surrogate escapes (docs/analysis-schema.md): `analyze
 * --json` and `slim --report` write `"a\udcff"` for the name a\xff, ASCII only, and parse back to the name that
 * `nameBytes` turns into the exact bytes.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nameBytes } from '../../src/image/name-bytes';
import { runCli } from '../support/cli';
import { HOSTILE_DOCKERFILE, hostileDockerArchive } from '../image/hostile-names';
import { tempDir } from '../image/image-builder';

let dir: string;
let archive: string;

beforeAll(async () => {
  dir = tempDir('scratchify-json-names-');
  archive = join(dir, 'hostile.tar');
  writeFileSync(archive, await hostileDockerArchive());
  writeFileSync(join(dir, 'Dockerfile'), HOSTILE_DOCKERFILE);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectEscapedNames(json: string): void {
  expect(json).toContain('"/data/a\\udcff"');
  expect(json).toContain('"/data/caf\\udce9.txt"');
  expect(json).not.toContain('\uFFFD');
  const paths = JSON.parse(json).paths as Array<{ path: string; linkTarget?: string }>;
  expect(nameBytes(paths.find((entry) => entry.path === '/data/a\udcfe')?.path as string).equals(Buffer.from('/data/a\xfe', 'latin1'))).toBe(true);
  expect(nameBytes(paths.find((entry) => entry.path === '/data/link-\udcff')?.linkTarget as string).equals(Buffer.from('caf\xe9.txt', 'latin1'))).toBe(true);
}

describe('names that are not UTF-8 in JSON', () => {
  it('analyze --json writes them as \\udcXX escapes', async () => {
    const result = await runCli(['analyze', '--image-archive', archive, join(dir, 'Dockerfile'), '--json']);
    expect(result.code).toBe(0);
    expectEscapedNames(result.stdout);
  });

  it('slim --report writes them the same way', async () => {
    const report = join(dir, 'report.json');
    const result = await runCli(['slim', join(dir, 'Dockerfile'), '--image-archive', archive, '--report', report, '-o', join(dir, 'Dockerfile.slim')]);
    expect(result.code).toBe(0);
    expectEscapedNames(readFileSync(report, 'utf8'));
  });
});
