/**
 * One contract, every adapter: the same image, written in each format (a rootfs directory holds its merged
 * result), must give the same tree, resolution, contents and config.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openImage, type LoadedImage } from '../../src/image';
import {
  configFor,
  dockerLegacyArchive,
  dockerOciArchive,
  layer,
  ociLayoutMembers,
  archiveOf,
  tempDir,
  writeDirectory,
  writeFile,
  type TestLayer,
} from './image-builder';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\n';

async function testLayers(gzip: boolean): Promise<TestLayer[]> {
  const base = await layer([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/passwd', content: 'old\n' },
    { name: 'etc/app/', type: 'directory' },
    { name: 'etc/app/a', content: 'a' },
    { name: 'etc/app/b', content: 'b' },
    { name: 'usr/', type: 'directory' },
    { name: 'usr/bin/', type: 'directory' },
    { name: 'usr/bin/sh', content: '#!sh', mode: 0o755 },
    { name: 'usr/lib/', type: 'directory' },
    { name: 'usr/lib/libc.so', content: 'libc' },
    { name: 'usr/lib/hl', type: 'link', linkname: 'usr/lib/libc.so' },
    { name: 'usr/share/doc/x/README', content: 'doc' },
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
    { name: 'tmp/gone', content: 'gone' },
  ]);
  const top = await layer(
    [
      { name: 'etc/passwd', content: PASSWD },
      { name: 'etc/app/c', content: 'c' },
      { name: 'etc/app/.wh..wh..opq' },
      { name: 'tmp/.wh.gone' },
      { name: 'usr/.wh.share' },
      // Lands in /usr/bin: the parent `bin` is a symlink in the lower layer (containerd resolves parents).
      { name: 'bin/busybox', content: 'busybox', mode: 0o4755 },
    ],
    { gzip },
  );
  return [base, top];
}

const CONFIG = { Entrypoint: ['/bin/sh'], Cmd: ['-c', 'true'], Env: ['PATH=/usr/bin'], User: '1000', WorkingDir: '/srv' };

/** The merged result written as a plain directory, for the rootfs adapter. */
function rootfsDirectory(): string {
  const root = tempDir();
  writeDirectory(root, [
    { name: 'etc/passwd', data: PASSWD },
    { name: 'etc/app/c', data: 'c' },
    { name: 'usr/bin/sh', data: '#!sh' },
    { name: 'usr/bin/busybox', data: 'busybox' },
    { name: 'usr/lib/libc.so', data: 'libc' },
  ]);
  fs.chmodSync(path.join(root, 'usr/bin/sh'), 0o755);
  fs.linkSync(path.join(root, 'usr/lib/libc.so'), path.join(root, 'usr/lib/hl'));
  fs.symlinkSync('usr/bin', path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'tmp'));
  return root;
}

const adapters: Array<[string, () => Promise<string>]> = [
  ['docker-archive (legacy)', async () => writeFile(tempDir(), 'image.tar', await dockerLegacyArchive(await testLayers(false), configFor(await testLayers(false), CONFIG)))],
  [
    'docker-archive (Docker 25+, gzip blobs, manifest.json last)',
    async () => {
      const layers = await testLayers(true);
      return writeFile(tempDir(), 'image.tar', await dockerOciArchive(layers, configFor(layers, CONFIG)));
    },
  ],
  [
    'oci-layout',
    async () => {
      const layers = await testLayers(true);
      return writeDirectory(tempDir(), ociLayoutMembers(layers, configFor(layers, CONFIG), { gzipMediaType: true }).members);
    },
  ],
  [
    'oci-archive',
    async () => {
      const layers = await testLayers(false);
      return writeFile(tempDir(), 'image.tar', await archiveOf(ociLayoutMembers(layers, configFor(layers, CONFIG)).members));
    },
  ],
  ['rootfs', async () => rootfsDirectory()],
];

describe.each(adapters)('image contract: %s', (label, make) => {
  let image: LoadedImage;
  const isRootfs = label === 'rootfs';

  beforeAll(async () => {
    image = await openImage(await make());
  });

  it('reports the adapter that read it', () => {
    expect(image.source).toBe(label.split(' ')[0]);
  });

  it('merges layers: replacement, whiteouts, opaque dirs, parent symlinks', () => {
    const tree = image.tree;
    expect(tree.list('/etc/app')).toEqual(['c']);
    expect(tree.lstat('/tmp/gone')).toBeUndefined();
    expect(tree.lstat('/tmp')?.type).toBe('dir');
    expect(tree.lstat('/usr/share')).toBeUndefined();
    expect(tree.lstat('/usr/bin/busybox')?.type).toBe('file');
    expect(tree.lstat('/bin')).toMatchObject({ type: 'symlink', linkTarget: 'usr/bin' });
    expect(tree.lstat('/usr/bin/sh')).toMatchObject({ type: 'file', mode: 0o755, size: 4 });
    expect(tree.list('/')).toEqual(['bin', 'etc', 'tmp', 'usr']);
  });

  it('lists every entry parents first, siblings sorted', () => {
    const paths = [...image.tree.entries()].map((entry) => entry.path);
    expect(paths).toEqual([
      '/bin',
      '/etc',
      '/etc/app',
      '/etc/app/c',
      '/etc/passwd',
      '/tmp',
      '/usr',
      '/usr/bin',
      '/usr/bin/busybox',
      '/usr/bin/sh',
      '/usr/lib',
      '/usr/lib/hl',
      '/usr/lib/libc.so',
    ]);
  });

  it('resolves through symlinks and reports the links crossed', () => {
    const resolution = image.tree.resolve('/bin/sh');
    expect(resolution.path).toBe('/usr/bin/sh');
    expect(resolution.symlinks).toEqual(['/bin']);
    expect(resolution.entry?.type).toBe('file');
  });

  it('reads file contents, hardlinks included, singly and in batches', async () => {
    expect((await image.tree.readFile('/etc/passwd')).toString()).toBe(PASSWD);
    expect((await image.tree.readFile('/bin/busybox')).toString()).toBe('busybox');
    const batch = await image.tree.readFiles(['/usr/lib/hl', '/usr/bin/sh', '/etc/app/c', '/usr/lib/libc.so']);
    expect([...batch.entries()].map(([p, b]) => [p, b.toString()])).toEqual([
      ['/usr/lib/hl', 'libc'],
      ['/usr/bin/sh', '#!sh'],
      ['/etc/app/c', 'c'],
      ['/usr/lib/libc.so', 'libc'],
    ]);
  });

  it('refuses to read what is not a regular file', async () => {
    await expect(image.tree.readFile('/usr')).rejects.toThrow(/not a regular file/);
    await expect(image.tree.readFile('/nope')).rejects.toThrow(/no such file/);
  });

  it('reads the config (a rootfs directory has none: empty config)', () => {
    if (isRootfs) {
      expect(image.config).toMatchObject({ architecture: 'amd64', os: 'linux', Env: [], diffIds: [] });
      expect(image.config.Entrypoint).toBeUndefined();
      return;
    }
    expect(image.config).toMatchObject({ ...CONFIG, architecture: 'amd64', os: 'linux' });
    expect(image.config.diffIds).toHaveLength(2);
  });

  it('keeps tar metadata: hardlinks, setuid bits, owning layer', () => {
    if (isRootfs) {
      // A host directory shows hardlinks as two regular files of the same content.
      expect(image.tree.lstat('/usr/lib/hl')).toMatchObject({ type: 'file', size: 4 });
      return;
    }
    expect(image.tree.lstat('/usr/lib/hl')).toMatchObject({ type: 'hardlink', linkTarget: '/usr/lib/libc.so', size: 4 });
    expect(image.tree.lstat('/usr/lib/libc.so')?.hardlinks).toEqual(['/usr/lib/hl']);
    expect(image.tree.lstat('/usr/bin/busybox')).toMatchObject({ mode: 0o4755, layer: 1 });
    expect(image.tree.lstat('/usr/bin/sh')).toMatchObject({ layer: 0 });
  });
});
