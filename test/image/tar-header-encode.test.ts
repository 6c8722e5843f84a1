/**
 * The header encoder (tar-header.ts `entryHeaderBlocks`) against the layer scan: any name and link target (any
 * bytes but NUL, of any length), any id, size and binary xattr is read back exactly; names that fit ustar use no
 * PAX record. (GNU tar, Python, umoci and Docker read what it writes in the host and e2e tiers.)
 */
import fc from 'fast-check';
import { readEntries, type EntryBatch } from '../../src/image/entry-batch';
import { nameBytes } from '../../src/image/name-bytes';
import { entryHeaderBlocks, padded, TYPEFLAG } from '../../src/image/tar-header';
import { TarScanner } from '../../src/image/tar-scanner';
import type { LayerEntry } from '../../src/tree/types';

function scan(bytes: Buffer): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  scanner.push(bytes);
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

/** Bytes of a relative name: no NUL, no leading slash, not ending in a slash (a directory's is written without). */
const nameArbitrary = fc
  .uint8Array({ minLength: 1, maxLength: 300 })
  .map((bytes) => Buffer.from(bytes.map((byte) => (byte === 0 ? 0x61 : byte))))
  .filter((name) => name[0] !== 0x2f && name[name.length - 1] !== 0x2f);

describe('entryHeaderBlocks', () => {
  it('gives back any name, link target, ids, size and xattr the scanner reads', () => {
    fc.assert(
      fc.property(
        nameArbitrary,
        nameArbitrary,
        fc.constantFrom('file', 'symlink', 'link') as fc.Arbitrary<'file' | 'symlink' | 'link'>,
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.uint8Array({ maxLength: 24 }),
        fc.integer({ min: 0, max: 3000 }),
        (name, link, type, id, xattr, size) => {
          const isFile = type === 'file';
          const headers = entryHeaderBlocks({
            name,
            typeflag: TYPEFLAG[type],
            mode: 0o4755,
            uid: id,
            gid: id,
            size: isFile ? size : 0,
            mtime: 1_700_000_000,
            linkname: isFile ? undefined : link,
            records: [[Buffer.from('SCHILY.xattr.security.capability'), Buffer.from(xattr)]],
          });
          const data = Buffer.alloc(isFile ? padded(size) : 0, 7);
          const [entry, ...rest] = scan(Buffer.concat([headers, data, Buffer.alloc(1024)]));
          expect(rest).toEqual([]);
          expect(nameBytes(entry.name).equals(name)).toBe(true);
          expect({ type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid, size: entry.size, offset: entry.offset }).toEqual({
            type: { file: 'file', symlink: 'symlink', link: 'hardlink' }[type],
            mode: 0o4755,
            uid: id,
            gid: id,
            size: isFile ? size : 0,
            offset: headers.length,
          });
          if (!isFile) expect(nameBytes(entry.linkName as string).equals(link)).toBe(true);
          expect(entry.xattrs?.['security.capability']).toBeDefined();
          expect(nameBytes(entry.xattrs?.['security.capability'] as string).equals(Buffer.from(xattr))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes a name that fits ustar, split at a slash when over 100 bytes, in one header block', () => {
    const short = Buffer.from('usr/lib/caf\xe9', 'latin1');
    const long = Buffer.concat([Buffer.from(`${'d'.repeat(120)}/`), Buffer.from('f'.repeat(90))]);
    for (const name of [short, long]) {
      const blocks = entryHeaderBlocks({ name, typeflag: TYPEFLAG.file, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 });
      expect(blocks.length).toBe(512);
      expect(nameBytes(scan(Buffer.concat([blocks, Buffer.alloc(1024)]))[0].name).equals(name)).toBe(true);
    }
  });

  it('puts a name ustar cannot hold in a PAX path record, marked hdrcharset=BINARY only when it is not UTF-8', () => {
    const utf8 = Buffer.from(`${'é'.repeat(120)}`);
    const binary = Buffer.concat([Buffer.from('x'.repeat(120)), Buffer.from([0xff])]);
    for (const [name, marked] of [[utf8, false], [binary, true]] as const) {
      const blocks = entryHeaderBlocks({ name, typeflag: TYPEFLAG.file, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 });
      expect(blocks.includes(Buffer.concat([Buffer.from(' path='), name, Buffer.from('\n')]))).toBe(true);
      expect(blocks.includes(Buffer.from(' hdrcharset=BINARY\n'))).toBe(marked);
    }
  });
});
