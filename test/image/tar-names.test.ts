/**
 * Names as bytes through every reader: the layer scan (tar-scanner.ts, entry-batch.ts), the streamed layer
 * (layer-stream.ts), the outer archive (member-store.ts) and root directories (rootfs.ts). Also the header rules
 * where tar readers differ, decided as Go's archive/tar decides them (the engines extract layers with it): a
 * PAX `path` replaces the ustar name entirely, so a name Python's tarfile cut at 100 bytes does not matter.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { openImage } from '../../src/image';
import { readEntries, type EntryBatch } from '../../src/image/entry-batch';
import { TarMembers } from '../../src/image/member-store';
import { decodeName, nameBytes } from '../../src/image/name-bytes';
import { streamLayer } from '../../src/image/layer-stream';
import { TarScanner } from '../../src/image/tar-scanner';
import type { LayerEntry } from '../../src/tree/types';
import { CAPABILITY, HOSTILE_ENTRIES, hostileDockerArchive, hostileLayerTar } from './hostile-names';
import { configFor, dockerLegacyArchive, tempDir, writeFile, type TestLayer } from './image-builder';
import { paxEntry, rawTar, tarfilePaxLayout } from './raw-tar';

/** Temporary directories of this file, removed after it. */
const made: string[] = [];
function scratchDir(): string {
  const dir = tempDir('scratchify-tar-names-');
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function scan(bytes: Buffer): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  scanner.push(bytes);
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

async function stream(bytes: Buffer): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const layer = { name: 'in memory', size: bytes.length, open: () => Readable.from([bytes]) };
  await streamLayer(layer, 0, 'test', 'none', (entry) => entries.push({ ...entry }));
  return entries.map((entry) => {
    for (const key of Object.keys(entry) as (keyof LayerEntry)[]) if (entry[key] === undefined) delete entry[key];
    return entry;
  });
}

async function imageOf(tar: Buffer, runtime: Record<string, unknown> = {}) {
  const layer: TestLayer = { tar, stored: tar };
  return openImage(writeFile(scratchDir(), 'image.tar', await dockerLegacyArchive([layer], configFor([layer], runtime))));
}

describe('the layer scan keeps names as bytes', () => {
  const entries = scan(hostileLayerTar());

  it('gives every name and link target back byte for byte, two names differing in one byte as two entries', () => {
    expect(entries.map((entry) => nameBytes(entry.name).toString('hex'))).toEqual(
      HOSTILE_ENTRIES.map((entry) => Buffer.concat([entry.name, Buffer.from(entry.type === 'dir' ? '/' : '')]).toString('hex')),
    );
    expect(new Set(entries.map((entry) => entry.name)).size).toBe(entries.length);
    expect(entries.map((entry) => entry.type)).toEqual(HOSTILE_ENTRIES.map((entry) => entry.type));
    for (const [index, expected] of HOSTILE_ENTRIES.entries()) {
      if (expected.link) expect(nameBytes(entries[index].linkName as string).equals(expected.link)).toBe(true);
    }
    expect(entries.some((entry) => entry.name.includes('\uFFFD'))).toBe(false);
  });

  it('keeps a binary security.capability exactly', () => {
    const ping = entries.find((entry) => entry.name === 'data/ping') as LayerEntry;
    expect(nameBytes(ping.xattrs?.['security.capability'] as string).equals(CAPABILITY)).toBe(true);
  });

  it('gives the same entries when the layer is streamed instead of read from a host file', async () => {
    expect(await stream(hostileLayerTar())).toEqual(entries);
  });
});

describe('the merged tree of an image with such names', () => {
  it('holds each file under its own name with its own content, links as stored', async () => {
    const image = await openImage(writeFile(scratchDir(), 'hostile.tar', await hostileDockerArchive()));
    const at = (name: Buffer) => `/${decodeName(name)}`;
    for (const expected of HOSTILE_ENTRIES) {
      const entry = image.tree.lstat(at(expected.name));
      expect({ name: expected.name.toString('hex'), type: entry?.type }).toEqual({ name: expected.name.toString('hex'), type: expected.type });
      if (expected.content !== undefined) expect((await image.tree.readFile(at(expected.name))).toString()).toBe(expected.content);
    }
    const symlink = image.tree.lstat(at(HOSTILE_ENTRIES[4].name));
    expect(nameBytes(symlink?.linkTarget as string).equals(HOSTILE_ENTRIES[4].link as Buffer)).toBe(true);
    // The hardlink shares the content of data/a\xff, not of data/a\xfe.
    expect((await image.tree.readFile(at(HOSTILE_ENTRIES[5].name))).toString()).toBe('first file, a\\xff');
    expect(nameBytes(image.tree.lstat('/data/ping')?.xattrs?.['security.capability'] as string).equals(CAPABILITY)).toBe(true);
    expect(image.tree.list('/data')).toHaveLength(HOSTILE_ENTRIES.length - 1);
  });
});

describe('the outer archive keeps member names as bytes', () => {
  it('indexes two members whose names differ in a non-UTF-8 byte as two members', async () => {
    const file = writeFile(
      scratchDir(),
      'outer.tar',
      rawTar([
        { header: { name: Buffer.from([0x6d, 0xff]), typeflag: '0' }, data: 'one' },
        { header: { name: Buffer.from([0x6d, 0xfe]), typeflag: '0' }, data: 'two!' },
        paxEntry([['path', Buffer.from([0x70, 0xe9])]]),
        { header: { name: 'PaxHeader', typeflag: '0' }, data: 'three' },
      ]),
    );
    const members = await TarMembers.index(file);
    expect([members.size('m\udcff'), members.size('m\udcfe'), members.size('p\udce9')]).toEqual([3, 4, 5]);
    expect((await members.read('m\udcfe')).toString()).toBe('two!');
  });
});

describe('a root directory keeps names as bytes', () => {
  it('reads names, symlink targets and contents of non-UTF-8 names', async () => {
    const root = scratchDir();
    const host = (name: Buffer) => Buffer.concat([Buffer.from(`${root}/`), name]);
    fs.mkdirSync(path.join(root, 'data'));
    fs.writeFileSync(host(Buffer.from('data/a\xff', 'latin1')), 'first');
    fs.writeFileSync(host(Buffer.from('data/a\xfe', 'latin1')), 'second');
    fs.symlinkSync(Buffer.from('caf\xe9.txt', 'latin1'), host(Buffer.from('data/link', 'latin1')));
    const image = await openImage(root);
    expect(image.tree.list('/data')).toEqual(['a\udcfe', 'a\udcff', 'link']);
    expect((await image.tree.readFile('/data/a\udcff')).toString()).toBe('first');
    expect((await image.tree.readFile('/data/a\udcfe')).toString()).toBe('second');
    expect(nameBytes(image.tree.lstat('/data/link')?.linkTarget as string).equals(Buffer.from('caf\xe9.txt', 'latin1'))).toBe(true);
  });
});

describe('header rules where tar readers differ', () => {
  it("reads Python tarfile's PAX layout, whose cut ustar name ends in a slash, as the file it is", async () => {
    // Byte 100 of the path is a slash, so the ustar name tarfile writes (the first 100 bytes) ends in one.
    const long = `usr/${'d'.repeat(95)}/file-after-the-cut.txt`;
    expect(long[99]).toBe('/');
    const tar = tarfilePaxLayout(long, 'hello\n', 1_700_000_000);
    expect(scan(tar)).toEqual([expect.objectContaining({ name: long, type: 'file', size: 6, offset: 1536 })]);
    const image = await imageOf(tar);
    expect((await image.tree.readFile(`/${long}`)).toString()).toBe('hello\n');
  });

  it('keeps a PAX record named __proto__ as a record like any other', () => {
    const [entry] = scan(
      rawTar([
        paxEntry([
          ['SCHILY.xattr.__proto__', 'value'],
          ['__proto__', 'ignored'],
        ]),
        { header: { name: 'file', typeflag: '0' }, data: 'x' },
      ]),
    );
    expect(Object.entries(entry.xattrs ?? {})).toEqual([['__proto__', 'value']]);
    expect(entry.name).toBe('file');
  });

  it("takes typeflag '0' for a regular file and an old NUL typeflag with a trailing slash for a directory", () => {
    const entries = scan(
      rawTar([
        { header: { name: 'zero-with-slash/', typeflag: '0' }, data: 'data the reader must skip' },
        { header: { name: 'old-directory/', typeflag: '\0', mode: 0o755 } },
        { header: { name: 'old-file', typeflag: '\0' }, data: 'x' },
        paxEntry([['path', 'pax-named-directory/']]),
        { header: { name: 'cut', typeflag: '\0', mode: 0o755 } },
      ]),
    );
    expect(entries.map((entry) => [entry.name, entry.type])).toEqual([
      ['zero-with-slash/', 'file'],
      ['old-directory/', 'dir'],
      ['old-file', 'file'],
      ['pax-named-directory/', 'dir'],
    ]);
  });
});
