/**
 * The layer scan gets a layer's bytes in whatever chunks the read or the gunzip produced, so a header, a PAX
 * record or a GNU long name can straddle two chunks anywhere. Every chunking must give the same entries, and a
 * layer cut anywhere inside a header, a record or file data must fail as truncated. The entries the merge reads
 * from the scan's batches (entry-batch.ts) must be what tar-stream, an independent reader, gives for the same
 * layer wherever the two agree on the format (UTF-8 names; the cases where tar readers differ are pinned in
 * tar-names.test.ts).
 */
import fc from 'fast-check';
import type { EntryBatch } from '../../src/image/entry-batch';
import { TarScanner } from '../../src/image/tar-scanner';
import { tarOf, type TestEntry } from './image-builder';
import { scan, scanAt, viaTarStream } from './layer-entries';

const LONG_DIRECTORY = `usr/${'long-directory-name/'.repeat(12)}`;

async function sampleTar(): Promise<Buffer> {
  return tarOf([
    { name: 'etc/', type: 'directory', mode: 0o755 },
    { name: 'etc/os-release', content: 'ID=test\n'.repeat(100), uid: 7, gid: 8, mtime: 1_700_000_000 },
    { name: `${LONG_DIRECTORY}file`, content: 'x'.repeat(1500) },
    { name: 'bin/ping', content: 'elf', mode: 0o4755, pax: { 'SCHILY.xattr.security.capability': 'cap', 'SCHILY.xattr.user.note': 'é' } },
    { name: 'bin/long-link', type: 'symlink', linkname: `/${LONG_DIRECTORY}file` },
    { name: 'bin/hard', type: 'link', linkname: 'bin/ping' },
    { name: 'dev/null', type: 'character-device' },
    { name: 'empty', content: '' },
  ]);
}

describe('TarScanner', () => {
  it('finds every entry with PAX, long names, xattrs and data offsets', async () => {
    const bytes = await sampleTar();
    const entries = scan(bytes, bytes.length);
    expect(entries.map((entry) => [entry.name, entry.type])).toEqual([
      ['etc/', 'dir'],
      ['etc/os-release', 'file'],
      [`${LONG_DIRECTORY}file`, 'file'],
      ['bin/ping', 'file'],
      ['bin/long-link', 'symlink'],
      ['bin/hard', 'hardlink'],
      ['dev/null', 'char'],
      ['empty', 'file'],
    ]);
    const release = entries[1];
    expect(release).toMatchObject({ mode: 0o644, uid: 7, gid: 8, size: 800, mtime: 1_700_000_000 });
    expect(bytes.toString('utf8', release.offset, release.offset + 8)).toBe('ID=test\n');
    expect(bytes.toString('utf8', entries[2].offset, entries[2].offset + 3)).toBe('xxx');
    expect(entries[3]).toMatchObject({ mode: 0o4755, xattrs: { 'security.capability': 'cap', 'user.note': 'é' } });
    expect(entries[4].linkName).toBe(`/${LONG_DIRECTORY}file`);
    expect(entries[5].linkName).toBe('bin/ping');
    expect(entries[6]).toMatchObject({ devMajor: 1, devMinor: 3 });
  });

  it('gives the same entries however the bytes are chunked', async () => {
    const bytes = await sampleTar();
    const whole = scan(bytes, bytes.length);
    for (const chunkSize of [1, 7, 511, 512, 513, 1000, 4096]) expect(scan(bytes, chunkSize)).toEqual(whole);
  });

  it('reports a layer cut inside a header, an extended record or file data as truncated', async () => {
    const bytes = await sampleTar();
    const entries = scan(bytes, bytes.length);
    const cuts = entries.flatMap((entry) => [
      entry.offset - 412, // inside the entry's own header block
      ...(entry.type === 'file' && entry.size > 1 ? [entry.offset + entry.size - 1] : []),
    ]);
    // The entries with a long name, xattrs or a long link target follow a one-block PAX record: cut inside its
    // header and inside its data.
    for (const index of [2, 3, 4]) cuts.push(entries[index].offset - 1536 + 10, entries[index].offset - 1024 + 10);
    for (const cut of cuts) {
      for (const chunkSize of [300, bytes.length]) {
        expect(() => scan(bytes.subarray(0, cut), chunkSize)).toThrow('truncated tar (unexpected end of data)');
      }
    }
  });

  it('refuses bytes that are not a tar, naming the offset', () => {
    expect(() => scan(Buffer.from('not a tar, just text\n'.repeat(100)), 256)).toThrow('not a tar (invalid tar header at byte 0)');
  });

  it('gives what tar-stream gives, for any chunking', async () => {
    const bytes = await sampleTar();
    const expected = await viaTarStream(bytes);
    expect(scan(bytes, bytes.length)).toEqual(expected);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        expect(scanAt(bytes, cuts.sort((a, b) => a - b))).toEqual(expected);
      }),
    );
  });

  it('hands a layer with many headers over in several batches, in order', async () => {
    const bytes = await tarOf(Array.from({ length: 5000 }, (_, index): TestEntry => ({ name: `d/f${index}`, content: index % 3 === 0 ? 'x' : '' })));
    const batches: EntryBatch[] = [];
    const scanner = new TarScanner((batch) => batches.push(batch));
    scanner.push(bytes);
    scanner.end();
    expect(batches.length).toBeGreaterThan(1);
    expect(scan(bytes, 128 * 1024)).toEqual(await viaTarStream(bytes));
  });

  it('names the offset of a header whose checksum is wrong', async () => {
    const bytes = Buffer.from(await sampleTar());
    const header = scan(bytes, bytes.length)[1].offset - 512;
    bytes[header + 20] ^= 0x55;
    expect(() => scan(bytes, 4096)).toThrow(`not a tar (invalid tar header at byte ${header})`);
  });
});
