/**
 * The image rules over a real (small) docker save archive: a usrmerged root with /usr/bin/true as the program,
 * its libc and loader (test/support/debian-binaries.ts), a shell and package manager it does not need, a setuid program, a
 * world-writable directory, and a second layer that deletes and overwrites files of the first.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLoadedImage } from '../../src/analyze';
import { openImage } from '../../src/image';
import { lint, type LintInput } from '../../src/lint/linter';
import { layerWaste } from '../../src/lint/rules/layer-waste';
import { packageManagerInImage } from '../../src/lint/rules/package-manager-in-image';
import { setuidFiles } from '../../src/lint/rules/setuid-files';
import { shellInImage } from '../../src/lint/rules/shell-in-image';
import { unneededBytes } from '../../src/lint/rules/unneeded-bytes';
import { worldWritableFiles } from '../../src/lint/rules/world-writable-files';
import type { ImageLintRule } from '../../src/lint/types';
import { configFor, dockerLegacyArchive, layer, tempDir, type TestEntry } from '../image/image-builder';
import { debianLibc, debianLoader, debianProgram } from '../support/debian-binaries';

const file = (path: string, content: Buffer, mode = 0o755): TestEntry => ({ name: path.slice(1), content, mode });

/** A usrmerged root with libc, the loader and dash as /bin/sh. */
function usrMergedBase(): TestEntry[] {
  return [
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'lib64', type: 'symlink', linkname: 'usr/lib64' },
    file('/usr/lib/x86_64-linux-gnu/libc.so.6', debianLibc()),
    file('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', debianLoader()),
    { name: 'usr/lib64/ld-linux-x86-64.so.2', type: 'symlink', linkname: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
    file('/usr/bin/dash', debianProgram(['dash'])),
    { name: 'usr/bin/sh', type: 'symlink', linkname: 'dash' },
  ];
}

let dir: string;
let image: NonNullable<LintInput['image']>;

async function imageInput(layers: TestEntry[][], config: Record<string, unknown>): Promise<NonNullable<LintInput['image']>> {
  const built = await Promise.all(layers.map((entries) => layer(entries)));
  const archive = join(dir, `image-${layers.length}-${Math.random().toString(16).slice(2)}.tar`);
  writeFileSync(archive, await dockerLegacyArchive(built, configFor(built, config)));
  const loaded = await openImage(archive);
  return { source: archive, tree: loaded.tree, analysis: await analyzeLoadedImage(loaded) };
}

beforeAll(async () => {
  dir = tempDir('scratchify-lint-image-');
  image = await imageInput(
    [
      [
        ...usrMergedBase(),
        file('/usr/bin/true', debianProgram(['true'])),
        { name: 'usr/bin/apt-get', content: 'not really apt', mode: 0o755 },
        { name: 'usr/bin/su', content: 'setuid', mode: 0o4755 },
        { name: 'srv/shared', type: 'directory', mode: 0o777 },
        { name: 'tmp', type: 'directory', mode: 0o1777 },
        { name: 'opt/installer.tgz', content: Buffer.alloc(3 * 1024 * 1024, 1) },
        { name: 'etc/motd', content: 'old' },
      ],
      [
        { name: 'opt/.wh.installer.tgz' },
        { name: 'etc/motd', content: 'new' },
      ],
    ],
    { Entrypoint: ['/usr/bin/true'] },
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function findingsOf(rule: ImageLintRule, input = image, extra: Partial<LintInput> = {}) {
  return lint({ image: input, rules: [rule], ...extra }).findings;
}

describe('unneeded-bytes', () => {
  it('reports the unneeded share and the slim size, at info severity without a gate', () => {
    const [finding, ...rest] = findingsOf(unneededBytes);
    expect(rest).toEqual([]);
    const { imageBytes, keptBytes } = image.analysis.totals;
    expect(finding).toMatchObject({ ruleId: 'unneeded-bytes', severity: 'info', data: { imageBytes, keptBytes, unneededBytes: imageBytes - keptBytes } });
    expect(finding.message).toMatch(/MB of .* MB \(\d+\.\d%\) are not needed at run time; scratchify slim would reach .* MB$/);
    expect(finding.location).toEqual({ file: image.source });
  });

  it('is an error when a waste threshold is exceeded, and stays at its severity when not', () => {
    expect(findingsOf(unneededBytes, image, { thresholds: { maxWastePercent: 1 } })[0]).toMatchObject({ severity: 'error', message: expect.stringContaining('more than the allowed 1%') });
    // The unneeded shell and package manager alone are more than 100 bytes.
    expect(image.analysis.totals.imageBytes - image.analysis.totals.keptBytes).toBeGreaterThan(100);
    expect(findingsOf(unneededBytes, image, { thresholds: { maxWasteBytes: 100 } })[0].severity).toBe('error');
    expect(findingsOf(unneededBytes, image, { config: { rules: {}, maxWastePercent: 99.9 } })[0].severity).toBe('info');
  });

  it('with the Dockerfile, points at the final FROM and obeys a pragma there', () => {
    const text = 'FROM debian:12 AS build\nRUN true\nFROM debian:12\nENTRYPOINT ["/usr/bin/true"]\n';
    const [finding] = findingsOf(unneededBytes, image, { dockerfile: { text, file: 'Dockerfile' } });
    expect(finding.location).toMatchObject({ file: 'Dockerfile', line: 3, column: 1 });
    const ignored = text.replace('FROM debian:12\nENTRY', '# scratchify-ignore unneeded-bytes\nFROM debian:12\nENTRY');
    expect(findingsOf(unneededBytes, image, { dockerfile: { text: ignored, file: 'Dockerfile' } })).toEqual([]);
  });
});

describe('layer-waste', () => {
  it('reports files a later layer deletes, with the largest named', () => {
    const [finding] = findingsOf(layerWaste);
    expect(finding.message).toMatch(/^3\.\d MB in 2 files are written by one layer and removed or replaced by a later one/);
    expect(finding.message).toContain('/opt/installer.tgz (3.1 MB, layer 1 → removed in 2)');
    expect(finding.data).toMatchObject({ wastedFiles: 2, wastedBytes: 3 * 1024 * 1024 + 3 });
  });

  it('stays quiet below 20 MB and 10% of the layer bytes (dive\'s CI defaults)', async () => {
    const small = await imageInput([[{ name: 'a', content: 'x'.repeat(100) }, { name: 'big', content: Buffer.alloc(2_000_000) }], [{ name: 'a', content: 'y' }]], { Cmd: ['/a'] });
    expect(findingsOf(layerWaste, small)).toEqual([]);
  });
});

describe('setuid-files and world-writable-files', () => {
  it('names the setuid program and notes it is not needed', () => {
    const [finding] = findingsOf(setuidFiles);
    expect(finding.message).toBe('1 setuid/setgid file: /usr/bin/su (1 not needed at run time)');
  });

  it('names world-writable directories without the sticky bit, not /tmp', () => {
    const findings = findingsOf(worldWritableFiles);
    expect(findings.map((finding) => finding.message)).toEqual(['1 world-writable path: /srv/shared']);
  });
});

describe('shell-in-image and package-manager-in-image', () => {
  it('reports the shell and package manager the program does not run', () => {
    expect(findingsOf(shellInImage)[0].message).toBe('shells the program does not need: /usr/bin/sh, /usr/bin/dash');
    expect(findingsOf(packageManagerInImage)[0].message).toBe('package managers the program does not need: /usr/bin/apt-get');
  });

  it('does not report a shell the entrypoint runs through', async () => {
    const scripted = await imageInput(
      [
        [
          ...usrMergedBase(),
          { name: 'start.sh', content: '#!/bin/sh\necho ready\n', mode: 0o755 },
        ],
      ],
      { Entrypoint: ['/start.sh'] },
    );
    expect(findingsOf(shellInImage, scripted)).toEqual([]);
  });
});
