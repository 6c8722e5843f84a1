import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { makeRoot } from '../support/small-root';

const run = runCli;

describe('scratchify analyze and why', () => {
  const root = makeRoot();
  // A root directory has no image config: the Dockerfile supplies the application, --keep the rest.
  const dockerfile = join(mkdtempSync(join(tmpdir(), 'scratchify-df-')), 'Dockerfile');
  writeFileSync(dockerfile, 'FROM debian:bookworm-slim\nWORKDIR /srv/app\nCOPY data/ ./data/\n# scratchify keep=/usr/bin/true\nCMD ["true"]\n');

  it('lists kept paths with reasons and totals as JSON', async () => {
    const result = await run(['analyze', '--rootfs', root, dockerfile, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.schemaVersion).toBe(1);
    const byPath = new Map(report.paths.map((p: { path: string }) => [p.path, p]));
    expect(byPath.get('/srv/app/data/seed.txt')).toMatchObject({ type: 'file', size: 5, reasons: [expect.objectContaining({ rule: 'application' })] });
    expect(byPath.get('/usr/bin/true')).toMatchObject({ type: 'file', mode: '0755' });
    expect(byPath.get('/usr/lib/x86_64-linux-gnu/libc.so.6')).toMatchObject({ reasons: [expect.objectContaining({ rule: 'elf-needed', by: '/usr/bin/true' })] });
    expect(byPath.get('/lib64')).toMatchObject({ type: 'symlink', linkTarget: 'usr/lib64' });
    expect(report.totals.keptBytes).toBeGreaterThan(0);
    expect(report.totals.ratio).toBeLessThan(1);
  });

  it('prints a readable list by default', async () => {
    const result = await run(['analyze', '--rootfs', root, dockerfile]);
    expect(result.stdout).toMatch(/\/usr\/bin\/true {2}\d+\.\d MB {2}\[keep\]/);
    expect(result.stdout).toMatch(/^Image: .* kept: .*%\)$/m);
  });

  it('explains a kept path and exits 1 for one that is not kept', async () => {
    const kept = await run(['why', '--rootfs', root, '--dockerfile', dockerfile, '/usr/lib/x86_64-linux-gnu/libc.so.6']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/libc\.so\.6 is kept because:\n.*elf-needed[\s\S]*\/usr\/bin\/true: keep — --keep \/usr\/bin\/true/);
    const missing = await run(['why', '--rootfs', root, '--dockerfile', dockerfile, 'usr/share/doc/big.txt']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('/usr/share/doc/big.txt: not kept\n');
  });

  it('fails with one line and exit 2 without an image or with a bad one', async () => {
    const none = await run(['analyze', dockerfile]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^scratchify: no image given: use --image-archive FILE/);
    const bad = join(mkdtempSync(join(tmpdir(), 'scratchify-bad-')), 'image.tar');
    writeFileSync(bad, 'not a tar at all');
    const result = await run(['analyze', '--image-archive', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(bad);
  });
});
