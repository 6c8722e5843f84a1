/**
 * Format details: detection by content, picking one image out of indexes and multi-image archives, and
 * compression sniffed from bytes even when the media type says otherwise.
 */
import { createHash } from 'node:crypto';
import { ImageError } from '../../src/errors';
import { openImage } from '../../src/image';
import { archiveOf, configFor, dockerLegacyArchive, layer, ociLayoutMembers, sha256, tempDir, writeDirectory, writeFile } from './image-builder';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function twoPlatformLayout(platforms: Array<Record<string, string>>, nest: boolean) {
  const members: Array<{ name: string; data: Buffer | string }> = [];
  const descriptors: unknown[] = [];
  for (const platform of platforms) {
    const l = await layer([{ name: 'arch', content: platform.architecture }], { gzip: true });
    const oci = ociLayoutMembers([l], configFor([l], {}, { architecture: platform.architecture }));
    members.push(...oci.members.filter((m) => m.name.startsWith('blobs/')));
    const manifest = oci.members.find((m) => m.name === `blobs/sha256/${oci.manifestDigest.slice(7)}`)!;
    descriptors.push({ mediaType: MANIFEST, digest: oci.manifestDigest, size: manifest.data.length, platform });
  }
  let top = { schemaVersion: 2, manifests: descriptors };
  if (nest) {
    const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors }));
    members.push({ name: `blobs/sha256/${sha256(nested).slice(7)}`, data: nested });
    top = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(nested), size: nested.length }] };
  }
  members.push({ name: 'index.json', data: JSON.stringify(top) }, { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' });
  return writeDirectory(tempDir(), members);
}

describe('picking an image', () => {
  it('walks a nested index and picks linux/amd64, skipping attestation manifests', async () => {
    const dir = await twoPlatformLayout(
      [
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'amd64' },
        { os: 'unknown', architecture: 'unknown' },
      ],
      true,
    );
    const image = await openImage(dir);
    expect(image.config.architecture).toBe('amd64');
    expect((await image.tree.readFile('/arch')).toString()).toBe('amd64');
    expect((await openImage(dir, { platform: 'linux/arm64' })).config.architecture).toBe('arm64');
  });

  it('says which images there are when the choice is ambiguous', async () => {
    const dir = await twoPlatformLayout([{ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 's390x' }], false);
    await expect(openImage(dir)).rejects.toThrow(/several images in the layout, choose one by reference or platform: linux\/arm64 sha256:\w+, linux\/s390x sha256:\w+/);
  });

  it('picks by tag among the images of a multi-image docker save', async () => {
    const a = await layer([{ name: 'which', content: 'a' }]);
    const b = await layer([{ name: 'which', content: 'b' }]);
    const configB = configFor([b], { User: 'b' });
    const configHex = sha256(configB).slice(7);
    const manifest = [
      { Config: `${sha256(configFor([a], { User: 'a' })).slice(7)}.json`, RepoTags: ['app:a'], Layers: ['la/layer.tar'] },
      { Config: `${configHex}.json`, RepoTags: ['app:b'], Layers: ['lb/layer.tar'] },
    ];
    const file = writeFile(
      tempDir(),
      'two.tar',
      await archiveOf([
        { name: 'manifest.json', data: JSON.stringify(manifest) },
        { name: manifest[0].Config, data: configFor([a], { User: 'a' }) },
        { name: manifest[1].Config, data: configB },
        { name: 'la/layer.tar', data: a.stored },
        { name: 'lb/layer.tar', data: b.stored },
      ]),
    );
    await expect(openImage(file)).rejects.toThrow(/holds 2 images, choose one by reference: app:a; app:b/);
    const image = await openImage(file, { reference: 'app:b' });
    expect(image.config.User).toBe('b');
    expect((await image.tree.readFile('/which')).toString()).toBe('b');
  });
});

describe('compression is sniffed, never trusted', () => {
  it('reads a gzip blob labelled as plain tar, and a plain blob labelled as gzip', async () => {
    const gz = await layer([{ name: 'a', content: 'gz' }], { gzip: true });
    const plain = await layer([{ name: 'b', content: 'plain' }]);
    const oci = ociLayoutMembers([gz, plain], configFor([gz, plain]));
    const relabelled = oci.members.map((member) => {
      if (member.name !== `blobs/sha256/${oci.manifestDigest.slice(7)}`) return member;
      const manifest = JSON.parse(member.data.toString());
      manifest.layers[0].mediaType = 'application/vnd.oci.image.layer.v1.tar';
      manifest.layers[1].mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip';
      return { name: member.name, data: JSON.stringify(manifest) };
    });
    const manifestBytes = Buffer.from(relabelled.find((m) => m.name.endsWith(oci.manifestDigest.slice(7)))!.data);
    const digest = createHash('sha256').update(manifestBytes).digest('hex');
    const members = relabelled.map((m) => (m.name.endsWith(oci.manifestDigest.slice(7)) ? { name: `blobs/sha256/${digest}`, data: manifestBytes } : m));
    const index = { schemaVersion: 2, manifests: [{ mediaType: MANIFEST, digest: `sha256:${digest}`, size: manifestBytes.length }] };
    const dir = writeDirectory(tempDir(), members.map((m) => (m.name === 'index.json' ? { name: m.name, data: JSON.stringify(index) } : m)));
    const image = await openImage(dir);
    expect((await image.tree.readFiles(['/a', '/b'])).get('/b')?.toString()).toBe('plain');
    expect((await image.tree.readFile('/a')).toString()).toBe('gz');
  });
});

describe('metadata', () => {
  it('keeps PAX xattrs such as file capabilities, and long names', async () => {
    const longName = `opt/${'deep/'.repeat(40)}file`;
    const l = await layer([
      { name: 'usr/bin/ping', content: 'ping', pax: { 'SCHILY.xattr.security.capability': 'cap' } },
      { name: longName, content: 'long' },
    ]);
    const image = await openImage(writeFile(tempDir(), 'x.tar', await dockerLegacyArchive([l], configFor([l]))));
    expect(image.tree.lstat('/usr/bin/ping')?.xattrs).toEqual({ 'security.capability': 'cap' });
    expect((await image.tree.readFile(`/${longName}`)).toString()).toBe('long');
  });

  it('reads a full image config: healthcheck, ports, volumes, labels, shell, onbuild', async () => {
    const l = await layer([{ name: 'x' }]);
    const config = {
      Entrypoint: null,
      Cmd: ['bash'],
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      Volumes: { '/data': {} },
      Labels: { 'org.opencontainers.image.title': 't' },
      StopSignal: 'SIGTERM',
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30_000_000_000, Retries: 3 },
      Shell: ['/bin/sh', '-c'],
      OnBuild: ['RUN true'],
    };
    const image = await openImage(writeFile(tempDir(), 'x.tar', await dockerLegacyArchive([l], configFor([l], config))));
    expect(image.config).toMatchObject({
      Cmd: ['bash'],
      ExposedPorts: ['53/udp', '8080/tcp'],
      Volumes: ['/data'],
      Labels: { 'org.opencontainers.image.title': 't' },
      StopSignal: 'SIGTERM',
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30_000_000_000, Retries: 3 },
      Shell: ['/bin/sh', '-c'],
      OnBuild: ['RUN true'],
    });
    expect(image.config.Entrypoint).toBeUndefined();
    expect((image.config.raw.config as Record<string, unknown>).StopSignal).toBe('SIGTERM');
  });

  it('rejects a config whose known fields have the wrong type', async () => {
    const l = await layer([{ name: 'x' }]);
    const file = writeFile(tempDir(), 'x.tar', await dockerLegacyArchive([l], configFor([l], { Entrypoint: '/bin/sh' })));
    await expect(openImage(file)).rejects.toThrow(new ImageError('image config: Entrypoint must be a list of strings'));
  });
});

describe('outer archive headers', () => {
  /** Rewrites every header of a ustar archive as GNU tar writes it: `ustar  \0` magic, access time where POSIX has its prefix. */
  function asGnuTar(archive: Buffer): Buffer {
    const out = Buffer.from(archive);
    let at = 0;
    while (at + 512 <= out.length && out[at] !== 0) {
      out.write('ustar  \0', at + 257, 'latin1');
      out.write('14757352421\0', at + 345, 'latin1');
      out.fill(0x20, at + 148, at + 156);
      let sum = 0;
      for (let i = at; i < at + 512; i += 1) sum += out[i];
      out.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
      const size = parseInt(out.toString('latin1', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    return out;
  }

  it('reads member names of a GNU-format tar without taking its time fields for a name prefix', async () => {
    const l = await layer([{ name: 'etc/hostname', content: 'gnu\n' }]);
    const archive = asGnuTar(await dockerLegacyArchive([l], configFor([l])));
    const image = await openImage(writeFile(tempDir(), 'gnu.tar', archive));
    expect((await image.tree.readFile('/etc/hostname')).toString()).toBe('gnu\n');
  });
});
