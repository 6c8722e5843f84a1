/**
 * The archive writer keeps names as bytes: an image whose names, link targets and xattr values are not UTF-8
 * (test/image/hostile-names.ts) comes out of `writeImageArchive` — and out of `scratchify slim --oci-archive /
 * --docker-archive` — with every name, content, link and capability byte for byte, read back by scratchify's own
 * reader and checked header by header. (GNU tar, skopeo and umoci read the same archives in
 * names-as-bytes.host.test.ts; Docker in test/e2e.)
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeptPath } from '../../../src/analyze/types';
import { writeImageArchive } from '../../../src/emit/image-archive';
import { openImage, type LoadedImage } from '../../../src/image';
import { readEntries, type EntryBatch } from '../../../src/image/scan';
import { decodeName, nameBytes } from '../../../src/image/name-bytes';
import { TarScanner } from '../../../src/image/scan';
import type { LayerEntry } from '../../../src/tree/types';
import { runCli } from '../../support/cli';
import { CAPABILITY, GNU_LONG, HOSTILE_DOCKERFILE, HOSTILE_ENTRIES, PAX_LONG, hostileDockerArchive } from '../../image/hostile-names';
import { tempDir } from '../../image/image-builder';
import { readDockerArchive, readOciArchive } from './tar-contents';

let dir: string;
let source: string;
let image: LoadedImage;

beforeAll(async () => {
  dir = tempDir('scratchify-names-');
  source = join(dir, 'hostile.tar');
  writeFileSync(source, await hostileDockerArchive());
  image = await openImage(source);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every entry of the tree, kept as the analyzer would keep it. */
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

/** The layer's entries as scratchify's layer scan reads them (headers, PAX and all). */
function layerEntries(layer: Buffer): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  scanner.push(layer);
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

/** Checks an image read back from a written archive against the hostile source, byte for byte. */
async function expectSameNames(written: LoadedImage): Promise<void> {
  for (const expected of HOSTILE_ENTRIES) {
    const path = `/${decodeName(expected.name)}`;
    const entry = written.tree.lstat(path);
    // Within a hardlink set either name may be the one that carries the bytes.
    const types = expected.type === 'file' || expected.type === 'hardlink' ? ['file', 'hardlink'] : [expected.type];
    expect({ name: expected.name.toString('hex'), found: types.includes(entry?.type as string) }).toEqual({ name: expected.name.toString('hex'), found: true });
    if (expected.content !== undefined) expect((await written.tree.readFile(path)).toString()).toBe(expected.content);
    if (expected.type === 'symlink') expect(nameBytes(entry?.linkTarget as string).equals(expected.link as Buffer)).toBe(true);
  }
  expect((await written.tree.readFile(`/${decodeName(HOSTILE_ENTRIES[5].name)}`)).toString()).toBe('first file, a\\xff');
  expect(nameBytes(written.tree.lstat('/data/ping')?.xattrs?.['security.capability'] as string).equals(CAPABILITY)).toBe(true);
  expect(written.tree.list('/data')).toEqual(image.tree.list('/data'));
}

describe('writeImageArchive with names that are not UTF-8', () => {
  it.each(['oci', 'docker'] as const)('%s: every name, content, link target and the capability come back byte for byte', async (format) => {
    const output = join(dir, `written-${format}.tar`);
    await writeImageArchive({ tree: image.tree, kept: keepAll(image), config: image.config, format, output });
    await expectSameNames(await openImage(output));
  });

  it('writes names raw in the ustar fields when they fit, in PAX records marked hdrcharset=BINARY when not', async () => {
    const output = join(dir, 'headers.tar');
    await writeImageArchive({ tree: image.tree, kept: keepAll(image), config: image.config, format: 'oci', output });
    const layer = (await readOciArchive(output)).layer;
    const names = layerEntries(layer).map((entry) => nameBytes(entry.name).toString('hex'));
    expect(names).toEqual(expect.arrayContaining(HOSTILE_ENTRIES.map((entry) => entry.name.toString('hex'))));
    // data/a\xff is short: its own bytes are in the first header's name field, with no PAX header before it.
    const short = layer.indexOf(Buffer.from('data/a\xff\0', 'latin1'));
    expect(short % 512).toBe(0);
    expect(layer[short + 156]).toBe(0x30);
    // The long names are in PAX path records, each after a hdrcharset=BINARY record.
    for (const long of [PAX_LONG, GNU_LONG]) {
      const record = Buffer.concat([Buffer.from(' path='), long, Buffer.from('\n')]);
      const at = layer.indexOf(record);
      expect(at).toBeGreaterThan(0);
      expect(layer.subarray(at - 40, at).toString('latin1')).toMatch(/\d+ hdrcharset=BINARY\n\d+$/);
    }
    const capability = Buffer.concat([Buffer.from(' SCHILY.xattr.security.capability='), CAPABILITY, Buffer.from('\n')]);
    expect(layer.indexOf(capability)).toBeGreaterThan(0);
    expect(layer.includes(Buffer.from('\uFFFD'))).toBe(false);
  });

  it('marks nothing binary when the long names are UTF-8', async () => {
    const output = join(dir, 'utf8.tar');
    const long = `/data/${'é'.repeat(80)}`;
    const kept: KeptPath[] = [{ path: '/data', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, reasons: [] }];
    const tree = Object.create(image.tree, {
      lstat: { value: (path: string) => (path === long ? { ...image.tree.lstat('/data/ping'), path: long } : image.tree.lstat(path)) },
      readFiles: { value: async (paths: string[]) => new Map(paths.map((path) => [path, Buffer.from('x')])) },
    });
    await writeImageArchive({ tree, kept: [...kept, { ...kept[0], path: long, type: 'file', size: 1 }], config: image.config, format: 'oci', output });
    const layer = (await readOciArchive(output)).layer;
    expect(layer.includes(Buffer.from(` path=${long.slice(1)}\n`))).toBe(true);
    expect(layer.includes(Buffer.from('hdrcharset'))).toBe(false);
  });
});

describe('scratchify slim writes such an image as archives', () => {
  it('--oci-archive and --docker-archive keep every name', async () => {
    const dockerfile = join(dir, 'Dockerfile');
    writeFileSync(dockerfile, HOSTILE_DOCKERFILE);
    const oci = join(dir, 'slim-oci.tar');
    const docker = join(dir, 'slim-docker.tar');
    const result = await runCli(['slim', dockerfile, '--image-archive', source, '--oci-archive', oci, '--docker-archive', docker, '-o', join(dir, 'Dockerfile.slim')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const archive of [oci, docker]) await expectSameNames(await openImage(archive));
    const [ociLayer, dockerLayer] = [(await readOciArchive(oci)).layer, (await readDockerArchive(docker)).layer];
    expect(ociLayer.equals(dockerLayer)).toBe(true);
    expect(readFileSync(oci).includes(Buffer.from('\uFFFD'))).toBe(false);
  });

  it('with only an archive asked for, writes no Dockerfile and prints nothing', async () => {
    const dockerfile = join(dir, 'Dockerfile');
    writeFileSync(dockerfile, HOSTILE_DOCKERFILE);
    const docker = join(dir, 'only-docker.tar');
    const result = await runCli(['slim', dockerfile, '--image-archive', source, '--docker-archive', docker]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    await expectSameNames(await openImage(docker));
  });
});
