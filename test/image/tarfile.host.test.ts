/**
 * Host tier (needs /usr/bin/python3 and GNU tar): real tools as oracles for the reader.
 *
 * - Python's tarfile writes a PAX layer with a path whose cut ustar name ends in a slash, names that are not
 *   UTF-8 (it marks them `hdrcharset=BINARY`), a symlink to such a name and a binary xattr; scratchify's scan
 *   must read every name, link target, content and xattr as tarfile reads them back and as GNU tar extracts them.
 * - The fast tier's reproduction of tarfile's layout (raw-tar.ts `tarfilePaxLayout`) is byte for byte what
 *   tarfile writes.
 * - `decodeName` agrees with Python's `surrogateescape` on random bytes.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { openImage } from '../../src/image';
import { readEntries, type EntryBatch } from '../../src/image/entry-batch';
import { decodeName, nameBytes } from '../../src/image/name-bytes';
import { TarScanner } from '../../src/image/tar-scanner';
import type { LayerEntry } from '../../src/tree/types';
import { configFor, dockerLegacyArchive, tempDir, writeFile, type TestLayer } from './image-builder';
import { tarfilePaxLayout } from './raw-tar';

const PYTHON = '/usr/bin/python3';
const LONG = `usr/${'d'.repeat(95)}/file-after-the-cut.txt`;

/** Python writes the layer: names given as bytes (os.fsdecode: surrogateescape), read back the same way. */
const WRITE = String.raw`
import io, os, sys, tarfile, json
out = sys.argv[1]
def info(name, **fields):
    member = tarfile.TarInfo(os.fsdecode(name))
    member.mtime = 1700000000
    for key, value in fields.items(): setattr(member, key, value)
    return member
with tarfile.open(out, 'w', format=tarfile.PAX_FORMAT) as tar:
    for name, data in [(sys.argv[2].encode(), b'after the cut\n'), (b'a\xff', b'first'), (b'a\xfe', b'second'), (b'caf\xe9-' + b'x' * 120, b'long and not utf-8')]:
        tar.addfile(info(name, size=len(data)), io.BytesIO(data))
    tar.addfile(info(b'link-\xff', type=tarfile.SYMTYPE, linkname=os.fsdecode(b'caf\xe9.txt')))
    capability = bytes([1, 0, 0, 2, 0, 0x20, 0, 0x80] + [0] * 12)
    ping = info(b'ping', size=4, pax_headers={'SCHILY.xattr.security.capability': os.fsdecode(capability)})
    tar.addfile(ping, io.BytesIO(b'ping'))
members = []
with tarfile.open(out, encoding='utf-8', errors='surrogateescape') as tar:
    for member in tar.getmembers():
        data = tar.extractfile(member).read().hex() if member.isfile() else None
        xattr = member.pax_headers.get('SCHILY.xattr.security.capability')
        members.append({'name': os.fsencode(member.name).hex(), 'type': member.type.decode(), 'link': os.fsencode(member.linkname).hex(),
                        'data': data, 'xattr': None if xattr is None else xattr.encode('utf-8', 'surrogateescape').hex()})
print(json.dumps(members))
`;

function scan(bytes: Buffer): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  scanner.push(bytes);
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

/** Every path under `root`, as hex of its bytes, relative, sorted. */
function walk(root: Buffer, prefix = Buffer.alloc(0)): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(root, { encoding: 'buffer' })) {
    const relative = prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), name]) : name;
    found.push(relative.toString('hex'));
    const full = Buffer.concat([root, Buffer.from('/'), name]);
    if (fs.lstatSync(full).isDirectory()) found.push(...walk(full, relative));
  }
  return found.sort();
}

describe("Python's tarfile and GNU tar as oracles", () => {
  const dir = tempDir('scratchify-tarfile-');
  const layer = join(dir, 'layer.tar');
  let python: Array<{ name: string; type: string; link: string; data: string | null; xattr: string | null }>;
  let entries: LayerEntry[];

  beforeAll(async () => {
    python = JSON.parse(execFileSync(PYTHON, ['-c', WRITE, layer, LONG], { encoding: 'utf8' }));
    entries = scan(fs.readFileSync(layer));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the layer scan reads every name, type, link target and xattr as tarfile does', () => {
    expect(python.map((member) => member.name)).toContain(Buffer.from(LONG).toString('hex'));
    expect(entries.map((entry) => nameBytes(entry.name).toString('hex'))).toEqual(python.map((member) => member.name));
    const types: Record<string, string> = { '0': 'file', '2': 'symlink' };
    expect(entries.map((entry) => entry.type)).toEqual(python.map((member) => types[member.type]));
    for (const [index, member] of python.entries()) {
      if (member.type === '2') expect(nameBytes(entries[index].linkName as string).toString('hex')).toBe(member.link);
      const xattr = entries[index].xattrs?.['security.capability'];
      expect(xattr === undefined ? null : nameBytes(xattr).toString('hex')).toBe(member.xattr);
    }
  });

  it('the merged tree holds the contents tarfile reads', async () => {
    const tar = fs.readFileSync(layer);
    const testLayer: TestLayer = { tar, stored: tar };
    const image = await openImage(writeFile(dir, 'image.tar', await dockerLegacyArchive([testLayer], configFor([testLayer]))));
    for (const member of python.filter((m) => m.data !== null)) {
      const path = `/${decodeName(Buffer.from(member.name, 'hex'))}`;
      expect({ path: member.name, data: (await image.tree.readFile(path)).toString('hex') }).toEqual({ path: member.name, data: member.data });
    }
  });

  it('GNU tar extracts the same names, byte for byte', () => {
    const extracted = join(dir, 'extracted');
    fs.mkdirSync(extracted);
    // GNU tar 1.34 does not know hdrcharset and says so on stderr; the names it extracts are the bytes anyway.
    execFileSync('tar', ['-xf', layer, '-C', extracted], { env: { ...process.env, LC_ALL: 'C' }, stdio: 'pipe' });
    const scanned = entries.flatMap((entry) => {
      const bytes = nameBytes(entry.name);
      // GNU tar creates the parent directories a name implies.
      const parents = [...bytes.entries()].filter(([, byte]) => byte === 0x2f).map(([at]) => bytes.subarray(0, at).toString('hex'));
      return [...parents, bytes.toString('hex')];
    });
    expect(walk(Buffer.from(extracted))).toEqual([...new Set(scanned)].sort());
  });

  it("the fast tier's reproduction of tarfile's PAX layout is byte for byte what tarfile writes", () => {
    const script = `import io, tarfile, sys
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as tar:
    member = tarfile.TarInfo(sys.argv[1]); member.size = 6; member.mtime = 1700000000
    tar.addfile(member, io.BytesIO(b'hello\\n'))
sys.stdout.buffer.write(buf.getvalue())`;
    const real = execFileSync(PYTHON, ['-c', script, LONG]);
    expect(real.equals(tarfilePaxLayout(LONG, 'hello\n', 1_700_000_000))).toBe(true);
  });
});

describe("decodeName and Python's surrogateescape", () => {
  it('decode random bytes to the same strings', () => {
    const samples = Array.from({ length: 300 }, (_, index) => randomBytes(1 + (index % 24)));
    // Bytes biased towards the edges of UTF-8: lead bytes, continuation bytes, surrogate encodings.
    samples.push(...Array.from({ length: 300 }, (_, index) => Buffer.from(Array.from({ length: 1 + (index % 12) }, () => [0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0x80, 0xa0, 0xbf, 0x9f, 0x61][Math.floor(Math.random() * 10)]))));
    const script = `import sys, json
print(json.dumps([bytes.fromhex(h).decode('utf-8', 'surrogateescape') for h in sys.stdin.read().split()]))`;
    const decoded = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: samples.map((s) => s.toString('hex')).join(' '), encoding: 'utf8' })) as string[];
    expect(samples.map((sample) => decodeName(sample))).toEqual(decoded);
  });
});
