/**
 * Broken or hostile inputs: each must end in one clear ImageError line naming the file — never a crash, a
 * stack trace or a hang.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ImageError } from '../../src/errors';
import { openImage } from '../../src/image';
import {
  archiveOf,
  configFor,
  dockerLegacyArchive,
  layer,
  ociLayoutMembers,
  sha256,
  tempDir,
  writeDirectory,
  writeFile,
} from './image-builder';

async function failure(location: string): Promise<ImageError> {
  try {
    await openImage(location);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    const imageError = error as ImageError;
    expect(imageError.format()).not.toContain('\n');
    expect(imageError.location.file).toBe(location);
    return imageError;
  }
  throw new Error(`${location} opened without error`);
}

async function simpleLayer(gzip = false) {
  return layer([{ name: 'etc/os-release', content: 'ID=test\n'.repeat(200) }, { name: 'bin/sh', content: 'x'.repeat(5000) }], { gzip });
}

describe('bad inputs', () => {
  it('a file that is not a tar', async () => {
    const file = writeFile(tempDir(), 'junk.tar', Buffer.from('this is not a tar archive at all'.repeat(40)));
    expect((await failure(file)).message).toMatch(/not a readable tar archive: not a tar/);
  });

  it('an empty file', async () => {
    const file = writeFile(tempDir(), 'empty.tar', Buffer.alloc(0));
    expect((await failure(file)).message).toMatch(/not an image archive/);
  });

  it('a missing path', async () => {
    expect((await failure(path.join(tempDir(), 'nope.tar'))).message).toBe('no such file or directory');
  });

  it('a tar that is no image (no manifest.json, no oci-layout)', async () => {
    const file = writeFile(tempDir(), 'other.tar', await archiveOf([{ name: 'hello.txt', data: 'hi' }]));
    expect((await failure(file)).message).toMatch(/not an image archive: neither manifest.json/);
  });

  it('a truncated archive', async () => {
    const l = await simpleLayer();
    const whole = await dockerLegacyArchive([l], configFor([l]));
    const file = writeFile(tempDir(), 'cut.tar', whole.subarray(0, Math.floor(whole.length * 0.7)));
    expect((await failure(file)).message).toMatch(/truncated tar/);
  });

  it('a truncated layer inside a whole archive', async () => {
    const l = await simpleLayer();
    const cut = { tar: l.tar, stored: l.tar.subarray(0, 2048) };
    const file = writeFile(tempDir(), 'image.tar', await dockerLegacyArchive([cut], configFor([l])));
    expect((await failure(file)).message).toMatch(/^layer 1 \(.*\/layer.tar\): truncated tar/);
  });

  it('a corrupt gzip layer', async () => {
    const l = await simpleLayer(true);
    const corrupt = Buffer.from(l.stored);
    for (let i = 20; i < 60; i += 1) corrupt[i] ^= 0x5a;
    const file = writeFile(tempDir(), 'image.tar', await dockerLegacyArchive([{ tar: l.tar, stored: corrupt }], configFor([l])));
    expect((await failure(file)).message).toMatch(/^layer 1 .*: (corrupt gzip stream|truncated)/);
  });

  it('a truncated gzip layer', async () => {
    const l = await simpleLayer(true);
    const file = writeFile(tempDir(), 'image.tar', await dockerLegacyArchive([{ tar: l.tar, stored: l.stored.subarray(0, 40) }], configFor([l])));
    expect((await failure(file)).message).toMatch(/^layer 1 .*: truncated gzip stream/);
  });

  it('a layer that is not a tar', async () => {
    const bogus = Buffer.from('not a tar, just text\n'.repeat(100));
    const file = writeFile(tempDir(), 'image.tar', await dockerLegacyArchive([{ tar: bogus, stored: bogus }], configFor([{ tar: bogus, stored: bogus }])));
    expect((await failure(file)).message).toMatch(/^layer 1 .*: not a tar/);
  });

  it('a manifest that names a missing layer', async () => {
    const l = await simpleLayer();
    const config = configFor([l, l]);
    const file = writeFile(
      tempDir(),
      'image.tar',
      await archiveOf([
        { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]) },
        { name: 'c.json', data: config },
        { name: 'aaa/layer.tar', data: l.stored },
      ]),
    );
    expect((await failure(file)).message).toBe('manifest.json names layer bbb/layer.tar, which is not in the archive');
  });

  it('a manifest.json that is not JSON, and one with more layers than diff ids', async () => {
    const l = await simpleLayer();
    const garbled = writeFile(tempDir(), 'image.tar', await archiveOf([{ name: 'manifest.json', data: '[{' }]));
    expect((await failure(garbled)).message).toMatch(/^manifest.json is not valid JSON/);
    const lying = writeFile(
      tempDir(),
      'image.tar',
      await archiveOf([
        { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['a/layer.tar', 'a/layer.tar'] }]) },
        { name: 'c.json', data: configFor([l]) },
        { name: 'a/layer.tar', data: l.stored },
      ]),
    );
    expect((await failure(lying)).message).toBe('manifest.json lists 2 layers but the config has 1 diff ids');
  });

  it('a diff id that does not match the layer', async () => {
    const l = await simpleLayer();
    const other = await layer([{ name: 'x', content: 'other' }]);
    const file = writeFile(tempDir(), 'image.tar', await dockerLegacyArchive([l], configFor([other])));
    expect((await failure(file)).message).toMatch(/^layer 1 .*: diff id mismatch: expected sha256:[0-9a-f]{64}, content is sha256:/);
  });

  it('an OCI blob whose bytes do not match its digest', async () => {
    const l = await simpleLayer(true);
    const dir = writeDirectory(tempDir(), ociLayoutMembers([l], configFor([l])).members);
    const blob = path.join(dir, 'blobs/sha256', sha256(l.stored).slice(7));
    fs.writeFileSync(blob, (await layer([{ name: 'planted', content: 'evil' }], { gzip: true })).stored);
    expect((await failure(dir)).message).toMatch(/^layer 1 .*: blob digest mismatch/);
  });

  it('an OCI config blob whose bytes do not match its digest', async () => {
    const l = await simpleLayer();
    const config = configFor([l]);
    const dir = writeDirectory(tempDir(), ociLayoutMembers([l], config).members);
    fs.writeFileSync(path.join(dir, 'blobs/sha256', sha256(config).slice(7)), configFor([l], { User: 'evil' }));
    expect((await failure(dir)).message).toMatch(/^config digest mismatch/);
  });

  it('a zstd-compressed layer is refused with advice', async () => {
    const l = await simpleLayer();
    const zstdMagic = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64)]);
    const dir = writeDirectory(tempDir(), ociLayoutMembers([{ tar: l.tar, stored: zstdMagic }], configFor([l])).members);
    expect((await failure(dir)).message).toMatch(/^zstd-compressed layer 1 \(blobs\/sha256\/[0-9a-f]+\): not supported, re-save with gzip or uncompressed layers$/);
  });

  it('a gzip-compressed outer archive is refused with advice', async () => {
    const l = await simpleLayer();
    const file = writeFile(tempDir(), 'image.tar.gz', zlib.gzipSync(await dockerLegacyArchive([l], configFor([l]))));
    expect((await failure(file)).message).toMatch(/gzip-compressed: decompress it first/);
  });

  it('a rootfs.type other than layers', async () => {
    const l = await simpleLayer();
    const dir = writeDirectory(tempDir(), ociLayoutMembers([l], configFor([l], {}, { rootfs: { type: 'other', diff_ids: [] } })).members);
    expect((await failure(dir)).message).toBe('image config: rootfs.type must be "layers"');
  });

  it('an index descriptor with a digest that would leave the layout', async () => {
    const dir = writeDirectory(tempDir(), [
      { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
      { name: 'index.json', data: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../../etc/passwd' }] }) },
    ]);
    expect((await failure(dir)).message).toMatch(/malformed digest/);
  });
});
