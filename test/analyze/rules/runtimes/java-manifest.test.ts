import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { manifestClassPath, readJarManifest } from '../../../../src/analyze/rules/java-manifest';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

/** A zip with the given entries, stored or deflated (APPNOTE.TXT's local headers, central directory, EOCD). */
function zip(entries: Array<{ name: string; text: string; deflate?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, text, deflate } of entries) {
    const raw = Buffer.from(text);
    const data = deflate ? deflateRawSync(raw) : raw;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, eocd]);
}

const MANIFEST = 'Manifest-Version: 1.0\r\nMain-Class: app.Main\r\nClass-Path: lib/dep.jar lib/my%20util.jar ../shared/\r\n conf.jar https://example.invalid/x.jar missing.jar\r\n\r\nName: app/\r\nClass-Path: per-entry.jar\r\n';

describe('jar manifests', () => {
  it.each([false, true])('reads the manifest of a zip (deflated: %s)', (deflate) => {
    const result = readJarManifest(zip([{ name: 'app/Main.class', text: 'class' }, { name: 'META-INF/MANIFEST.MF', text: MANIFEST, deflate }]));
    expect(result).toEqual({ ok: true, text: MANIFEST });
  });

  it('reports a damaged archive and a jar without a manifest', () => {
    expect(readJarManifest(Buffer.from('PK\x03\x04 not really a zip'))).toMatchObject({ ok: false });
    expect(readJarManifest(zip([{ name: 'a.txt', text: 'a' }]))).toEqual({ ok: true, text: undefined });
  });

  it('reads the main section Class-Path with continuation lines', () => {
    expect(manifestClassPath(MANIFEST)).toEqual({ entries: ['lib/dep.jar', 'lib/my%20util.jar', '../shared/conf.jar', 'https://example.invalid/x.jar', 'missing.jar'], line: 3 });
    expect(manifestClassPath('Manifest-Version: 1.0\n\nName: x\nClass-Path: y.jar\n')).toBeUndefined();
  });
});

describe('java-manifest rule', () => {
  it('keeps the jars a kept jar names, with the manifest line as origin, and follows their manifests', async () => {
    const root = writeRoot({
      '/usr/bin/java': executable(),
      '/opt/app/lib/dep.jar': '',
      '/opt/app/lib/my util.jar': '',
      '/opt/shared/conf.jar': '',
      '/opt/app/lib/transitive.jar': 'plain',
      '/opt/app/lib/unused.jar': '',
    });
    writeFileSync(join(root, 'opt/app/app.jar'), zip([{ name: 'META-INF/MANIFEST.MF', text: MANIFEST, deflate: true }]));
    writeFileSync(join(root, 'opt/app/lib/dep.jar'), zip([{ name: 'META-INF/MANIFEST.MF', text: 'Class-Path: transitive.jar\n' }]));
    const analysis = await analyzeWith(root, { Cmd: ['java', '-jar', '/opt/app/app.jar'] }, []);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining(['/opt/app/app.jar', '/opt/app/lib/dep.jar', '/opt/app/lib/my util.jar', '/opt/shared/conf.jar', '/opt/app/lib/transitive.jar']));
    expect(kept).not.toContain('/opt/app/lib/unused.jar');
    expect(analysis.kept.find((k) => k.path === '/opt/app/lib/dep.jar')?.reasons).toContainEqual(expect.objectContaining({ rule: 'java-manifest', by: '/opt/app/app.jar', origin: { path: '/opt/app/app.jar', line: 3 } }));
  });
});
