/**
 * Host tier (GNU tar, skopeo, umoci, /usr/bin/python3; root, to restore a file capability): archives written
 * from an image whose names are not UTF-8 (test/image/hostile-names.ts) are read by independent tools with every
 * name, content, link target and the `security.capability` xattr byte for byte. GNU tar reads the layer itself;
 * skopeo copies each archive into an OCI layout and umoci unpacks it with Go's archive/tar, as the engines do.
 * (Docker's own loader: names-as-bytes.e2e.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { KeptPath } from '../../../src/analyze/types';
import { writeImageArchive, type ImageArchiveFormat } from '../../../src/emit/image-archive';
import { openImage, type LoadedImage } from '../../../src/image';
import { CAPABILITY, HOSTILE_ENTRIES, hostileDockerArchive } from '../../image/hostile-names';
import { tempDir } from '../../image/image-builder';
import { readDockerArchive, readOciArchive } from './tar-contents';

let dir: string;
let image: LoadedImage;
const written: Partial<Record<ImageArchiveFormat, string>> = {};

function keepAll(loaded: LoadedImage): KeptPath[] {
  return [...loaded.tree.entries()].map((entry) => ({
    path: entry.path,
    type: entry.type,
    size: entry.size,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    ...(entry.linkTarget !== undefined ? { linkTarget: entry.linkTarget } : {}),
    reasons: [],
  }));
}

beforeAll(async () => {
  dir = tempDir('scratchify-names-host-');
  const source = join(dir, 'hostile.tar');
  fs.writeFileSync(source, await hostileDockerArchive());
  image = await openImage(source);
  for (const format of ['oci', 'docker'] as const) {
    written[format] = join(dir, `${format}.tar`);
    await writeImageArchive({ tree: image.tree, kept: keepAll(image), config: image.config, format, output: written[format] as string, reference: 'scratchify-names:test' });
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = (root: string, name: Buffer): Buffer => Buffer.concat([Buffer.from(`${root}/`), name]);

/** Checks an unpacked root filesystem against the hostile entries, byte for byte. */
function expectUnpacked(root: string, options: { capability: boolean }): void {
  const names = fs.readdirSync(at(root, Buffer.from('data')), { encoding: 'buffer' }).map((name) => name.toString('hex')).sort();
  expect(names).toEqual(
    HOSTILE_ENTRIES.filter((entry) => entry.name.length > 5)
      .map((entry) => entry.name.subarray(5).toString('hex'))
      .sort(),
  );
  for (const entry of HOSTILE_ENTRIES) {
    const path = at(root, entry.name);
    if (entry.content !== undefined) expect({ name: entry.name.toString('hex'), content: fs.readFileSync(path, 'utf8') }).toEqual({ name: entry.name.toString('hex'), content: entry.content });
    if (entry.type === 'symlink') expect(fs.readlinkSync(path, { encoding: 'buffer' }).equals(entry.link as Buffer)).toBe(true);
    if (entry.type === 'hardlink') expect(fs.statSync(path).ino).toBe(fs.statSync(at(root, entry.link as Buffer)).ino);
  }
  if (options.capability) {
    const read = `import os, sys; sys.stdout.write(os.getxattr(sys.argv[1], 'security.capability').hex())`;
    expect(execFileSync('/usr/bin/python3', ['-c', read, join(root, 'data', 'ping')], { encoding: 'utf8' })).toBe(CAPABILITY.toString('hex'));
  }
}

describe('GNU tar reads the written layer', () => {
  it.each(['oci', 'docker'] as const)('%s: lists and extracts every name, link and the capability byte for byte', async (format) => {
    const archive = written[format] as string;
    const layerBytes = format === 'oci' ? (await readOciArchive(archive)).layer : (await readDockerArchive(archive)).layer;
    const layer = join(dir, `${format}-layer.tar`);
    fs.writeFileSync(layer, layerBytes);
    // hdrcharset=BINARY is unknown to GNU tar 1.34: it says so on stderr and takes the bytes as they are.
    const listed = execFileSync('tar', ['--quoting-style=literal', '-tf', layer], { env: { ...process.env, LC_ALL: 'C' }, stdio: 'pipe' });
    const lines = listed.subarray(0, listed.length - 1).toString('latin1').split('\n').map((line) => Buffer.from(line.replace(/\/$/, ''), 'latin1').toString('hex'));
    expect(lines.sort()).toEqual(HOSTILE_ENTRIES.map((entry) => entry.name.toString('hex')).sort());
    const root = join(dir, `${format}-gnu`);
    fs.mkdirSync(root);
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-xpf', layer, '-C', root], { env: { ...process.env, LC_ALL: 'C' }, stdio: 'pipe' });
    expectUnpacked(root, { capability: true });
  });
});

describe('skopeo and umoci read the written archives', () => {
  it.each([
    ['oci', 'oci-archive'],
    ['docker', 'docker-archive'],
  ] as const)('%s: skopeo copies it to an OCI layout, umoci unpacks every name byte for byte', (format, transport) => {
    const layout = join(dir, `${format}-layout`);
    execFileSync('skopeo', ['copy', '--quiet', `${transport}:${written[format]}`, `oci:${layout}:test`], { stdio: 'pipe' });
    const bundle = join(dir, `${format}-bundle`);
    execFileSync('umoci', ['unpack', '--image', `${layout}:test`, bundle], { stdio: 'pipe' });
    expectUnpacked(join(bundle, 'rootfs'), { capability: true });
  });
});
