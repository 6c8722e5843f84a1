/**
 * writeImageArchive on small trees: what the layer holds (order, modes, owners, links, names ustar cannot
 * hold), that the manifest, config and layer digests agree, that the config carries the original over, that
 * the output is reproducible and atomic, and that file contents are read in bounded batches.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeptPath } from '../../../src/analyze/types';
import { ScratchifyError, UsageError } from '../../../src/errors';
import { openImage, type LoadedImage } from '../../../src/image';
import { writeImageArchive, OCI_MEDIA_TYPES } from '../../../src/emit/image-archive';
import type { FileTree } from '../../../src/tree/types';
import { configFor, dockerLegacyArchive, layer, tempDir } from '../../image/image-builder';
import { CONTENTS, LONG_DIR, LONG_FILE, UNICODE_FILE, fixtureKept, keptEntry, makeFixtureRoot } from './fixture-root';
import { readDockerArchive, readOciArchive, readTar, sha256, type TarMember } from './tar-contents';

let root: string;
let image: LoadedImage;
let out: string;

beforeAll(async () => {
  root = makeFixtureRoot();
  image = await openImage(root);
  out = tempDir('scratchify-archive-out-');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

function layerByName(members: TarMember[]): Map<string, TarMember> {
  return new Map(members.map((m) => [m.header.name, m]));
}

describe('the layer', () => {
  let members: TarMember[];

  beforeAll(async () => {
    const archive = join(out, 'layer-check.tar');
    await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'oci', output: archive });
    members = await readTar((await readOciArchive(archive)).layer);
  });

  it('lists every kept path once, parents first, sorted component by component, the root left out', () => {
    const names = members.map((m) => m.header.name);
    expect(names).toEqual([
      'bin',
      'opt',
      ...LONG_DIR.slice(1).split('/').slice(1).map((_, i, parts) => `opt/${parts.slice(0, i + 1).join('/')}`),
      LONG_FILE.slice(1),
      'srv',
      'srv/app',
      'srv/app/a-second-name',
      'srv/app/big-1.bin',
      'srv/app/big-2.bin',
      'srv/app/config-link',
      'srv/app/config.ini',
      UNICODE_FILE.slice(1),
      'srv/app/orphan-link',
      'srv/app/secret',
      'srv/app/z-original',
      'tmp',
      'usr',
      'usr/bin',
      'usr/bin/su-helper',
      'usr/bin/tool',
    ]);
    expect(names).not.toContain('usr/share/doc/unused.txt');
  });

  it('stores the kept modes, numeric owners without names, and a fixed mtime', () => {
    const byName = layerByName(members);
    const expectHeader = (name: string, type: string, mode: number, uid = 0, gid = 0) => {
      const { header } = byName.get(name)!;
      expect({ name, type: header.type, mode: header.mode, uid: header.uid, gid: header.gid }).toEqual({ name, type, mode, uid, gid });
    };
    expectHeader('srv/app', 'directory', 0o750, 1000, 1001);
    expectHeader('srv/app/config.ini', 'file', 0o644, 1000, 1001);
    expectHeader('srv/app/secret', 'file', 0o000);
    expectHeader('usr/bin/su-helper', 'file', 0o4755);
    expectHeader('tmp', 'directory', 0o1777);
    for (const { header } of members) {
      expect(header.mtime.getTime()).toBe(0);
      expect(header.uname).toBe('');
      expect(header.gname).toBe('');
    }
  });

  it('adds parents the kept list left out, with the directory metadata of the image', () => {
    const parent = layerByName(members).get(LONG_DIR.slice(1))!.header;
    const onHost = image.tree.lstat(LONG_DIR)!;
    expect({ type: parent.type, mode: parent.mode, uid: parent.uid }).toEqual({ type: 'directory', mode: onHost.mode, uid: onHost.uid });
  });

  it('writes file contents byte for byte, including names ustar cannot hold (via PAX)', () => {
    const byName = layerByName(members);
    for (const path of ['/usr/bin/tool', '/srv/app/big-2.bin', LONG_FILE, UNICODE_FILE, '/srv/app/secret']) {
      expect(byName.get(path.slice(1))!.data.equals(CONTENTS[path])).toBe(true);
    }
  });

  it('keeps symlinks as symlinks with the target as stored', () => {
    const byName = layerByName(members);
    expect(byName.get('bin')!.header).toMatchObject({ type: 'symlink', linkname: 'usr/bin', size: 0 });
    expect(byName.get('srv/app/config-link')!.header).toMatchObject({ type: 'symlink', linkname: '/srv/app/config.ini' });
  });

  it('writes a hardlink set once: the first name in archive order carries the bytes, later names link to it', () => {
    const byName = layerByName(members);
    expect(byName.get('srv/app/a-second-name')!.header.type).toBe('file');
    expect(byName.get('srv/app/a-second-name')!.data.equals(CONTENTS['/srv/app/z-original'])).toBe(true);
    expect(byName.get('srv/app/z-original')!.header).toMatchObject({ type: 'link', linkname: 'srv/app/a-second-name', size: 0 });
  });

  it('copies a hardlink whose target is not kept as a plain file', () => {
    const link = layerByName(members).get('srv/app/orphan-link')!;
    expect(link.header.type).toBe('file');
    expect(link.data.equals(CONTENTS['/srv/app/orphan-target'])).toBe(true);
  });
});

describe('digests and manifests', () => {
  it('OCI: index → manifest → config → layer, each blob named by its sha256; diff_id is the layer digest', async () => {
    const archive = join(out, 'oci.tar');
    const result = await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'oci', output: archive, reference: 'example.com/team/app:slim' });
    const read = await readOciArchive(archive);
    expect(read.index).toMatchObject({ schemaVersion: 2, mediaType: OCI_MEDIA_TYPES.index });
    const descriptor = (read.index!.manifests as Array<Record<string, any>>)[0];
    expect(descriptor.annotations).toEqual({ 'org.opencontainers.image.ref.name': 'example.com/team/app:slim' });
    expect(descriptor.platform).toEqual({ architecture: 'amd64', os: 'linux' });
    expect(read.manifest).toMatchObject({ schemaVersion: 2, mediaType: OCI_MEDIA_TYPES.manifest });
    expect((read.manifest!.layers as Array<{ mediaType: string }>)[0].mediaType).toBe(OCI_MEDIA_TYPES.layer);
    expect(read.config.rootfs).toEqual({ type: 'layers', diff_ids: [sha256(read.layer)] });
    expect(result).toMatchObject({ digest: read.manifestDigest, configDigest: read.configDigest, layerDigest: sha256(read.layer) });
    expect(result.bytes).toBe(readFileSync(archive).length);
    const outer = (await readTar(readFileSync(archive))).map((m) => m.header.name);
    expect(outer).toEqual([...outer].sort());
    expect(outer).toContain('oci-layout');
  });

  it('docker: manifest.json names the config (<hex>.json) and the layer; RepoTags gets :latest when untagged', async () => {
    const archive = join(out, 'docker.tar');
    const result = await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'docker', output: archive, reference: 'myapp' });
    const read = await readDockerArchive(archive);
    expect(read.dockerManifest).toEqual([
      { Config: `${read.configDigest.slice(7)}.json`, RepoTags: ['myapp:latest'], Layers: [`${read.layerDigest.slice(7)}/layer.tar`] },
    ]);
    expect(read.config.rootfs.diff_ids).toEqual([read.layerDigest]);
    expect(result).toMatchObject({ digest: read.configDigest, configDigest: read.configDigest, layerDigest: read.layerDigest });
  });

  it('is read back by scratchify’s own image readers with the same tree', async () => {
    for (const format of ['oci', 'docker'] as const) {
      const archive = join(out, `roundtrip-${format}.tar`);
      await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format, output: archive });
      const slim = await openImage(archive);
      for (const kept of fixtureKept()) {
        const entry = slim.tree.lstat(kept.path)!;
        // Within a hardlink set either name may be the one carrying the bytes.
        const expectedType = kept.type === 'hardlink' || kept.type === 'file' ? ['file', 'hardlink'] : [kept.type];
        expect(expectedType).toContain(entry.type);
        expect({ path: kept.path, mode: entry.mode, uid: entry.uid, gid: entry.gid }).toEqual({ path: kept.path, mode: kept.mode, uid: kept.uid, gid: kept.gid });
        if (kept.type === 'file' || kept.type === 'hardlink') {
          expect((await slim.tree.readFile(kept.path)).equals(CONTENTS[kept.linkTarget ?? kept.path])).toBe(true);
        }
      }
      expect(slim.tree.lstat('/usr/share')).toBeUndefined();
    }
  });
});

describe('the config', () => {
  const runtime = {
    Entrypoint: ['/usr/bin/tool'],
    Cmd: ['--serve'],
    Env: ['PATH=/usr/bin', 'B=2', 'A=1'],
    WorkingDir: '/srv/app',
    User: '1000:1001',
    ExposedPorts: { '8080/tcp': {} },
    Volumes: { '/data': {} },
    Labels: { 'org.opencontainers.image.title': 'app' },
    StopSignal: 'SIGQUIT',
    Healthcheck: { Test: ['CMD', '/usr/bin/tool', 'ping'], Interval: 30_000_000_000, Retries: 3 },
    Shell: ['/bin/sh', '-c'],
    OnBuild: ['RUN true'],
    ArgsEscaped: true,
  };
  let archiveImage: LoadedImage;
  let config: Record<string, any>;

  beforeAll(async () => {
    const l = await layer([
      { name: 'usr/', type: 'directory' },
      { name: 'usr/bin/', type: 'directory' },
      { name: 'usr/bin/tool', content: 'tool', mode: 0o755 },
      { name: 'usr/bin/tool-alias', type: 'link', linkname: 'usr/bin/tool' },
      { name: 'usr/bin/ping', content: 'ping', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': '\u0001\u0000\u0000\u0002\u0000\u0020' } },
      { name: 'dev/', type: 'directory' },
      { name: 'dev/null', type: 'character-device', mode: 0o666 },
    ]);
    const configBytes = configFor([l], runtime, {
      variant: 'v8',
      architecture: 'arm64',
      author: 'someone',
      created: '2024-05-01T10:00:00.123456789Z',
      history: [{ created_by: 'RUN make' }],
      container_config: { Cmd: ['/bin/sh', '-c', 'make'] },
      docker_version: '20.10.24',
    });
    const dir = tempDir('scratchify-archive-src-');
    const file = join(dir, 'image.tar');
    writeFileSync(file, await dockerLegacyArchive([l], configBytes));
    archiveImage = await openImage(file);
    const archive = join(out, 'config.tar');
    const kept: KeptPath[] = [
      keptEntry('/dev', 'dir', 0o755),
      { ...keptEntry('/dev/null', 'char', 0o666), size: 0 },
      keptEntry('/usr', 'dir', 0o755),
      keptEntry('/usr/bin', 'dir', 0o755),
      { ...keptEntry('/usr/bin/ping', 'file', 0o755), size: 4 },
      { ...keptEntry('/usr/bin/tool', 'file', 0o755), size: 4 },
      { ...keptEntry('/usr/bin/tool-alias', 'hardlink', 0o755, 0, 0, '/usr/bin/tool'), size: 4 },
    ];
    const result = await writeImageArchive({ tree: archiveImage.tree, kept, config: archiveImage.config, format: 'oci', output: archive });
    rmSync(dir, { recursive: true, force: true });
    expect(result.skipped).toEqual(['/dev/null: char not written to the layer']);
    const read = await readOciArchive(archive);
    config = read.config;
    const byName = layerByName(await readTar(read.layer));
    expect([...byName.keys()]).toEqual(['dev', 'usr', 'usr/bin', 'usr/bin/ping', 'usr/bin/tool', 'usr/bin/tool-alias']);
    expect(byName.get('usr/bin/tool-alias')!.header).toMatchObject({ type: 'link', linkname: 'usr/bin/tool' });
    expect((byName.get('usr/bin/ping')!.header.pax as Record<string, string>)['SCHILY.xattr.security.capability']).toBe('\u0001\u0000\u0000\u0002\u0000\u0020');
  });

  it('carries the runtime config over whole, unknown fields included', () => {
    expect(config.config).toEqual(runtime);
    expect(config.config.Env).toEqual(['PATH=/usr/bin', 'B=2', 'A=1']);
    expect({ architecture: config.architecture, variant: config.variant, os: config.os, author: config.author }).toEqual({ architecture: 'arm64', variant: 'v8', os: 'linux', author: 'someone' });
  });

  it('replaces what described the original build: created, history, rootfs; drops container_config', () => {
    expect(config.created).toBe('1970-01-01T00:00:00Z');
    expect(config.history).toEqual([expect.objectContaining({ created: '1970-01-01T00:00:00Z', created_by: expect.stringMatching(/^scratchify /) })]);
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect(config.container_config).toBeUndefined();
    expect(config.docker_version).toBeUndefined();
  });
});

describe('reproducibility', () => {
  it('gives byte-identical archives for the same inputs', async () => {
    for (const format of ['oci', 'docker'] as const) {
      const first = join(out, `repro-1-${format}.tar`);
      const second = join(out, `repro-2-${format}.tar`);
      await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format, output: first, reference: 'app:slim' });
      await writeImageArchive({ tree: image.tree, kept: [...fixtureKept()].reverse(), config: image.config, format, output: second, reference: 'app:slim' });
      expect(sha256(readFileSync(second))).toBe(sha256(readFileSync(first)));
    }
  });

  it('uses SOURCE_DATE_EPOCH for every timestamp', async () => {
    const archive = join(out, 'epoch.tar');
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    try {
      await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'oci', output: archive });
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
    const read = await readOciArchive(archive);
    expect(read.config.created).toBe('2023-11-14T22:13:20Z');
    for (const m of [...(await readTar(read.layer)), ...(await readTar(readFileSync(archive)))]) {
      expect(m.header.mtime.getTime()).toBe(1_700_000_000_000);
    }
  });

  it('refuses a SOURCE_DATE_EPOCH that is not a whole number of seconds', async () => {
    await expect(
      writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'oci', output: join(out, 'x.tar'), sourceDateEpoch: 1.5 }),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('bounded reading', () => {
  it('reads file contents in batches no larger than the limits (a bigger file alone)', async () => {
    const batches: string[][] = [];
    const tree = image.tree;
    const counting: FileTree = Object.create(tree, {
      readFiles: {
        value: (paths: readonly string[]) => {
          batches.push([...paths]);
          return tree.readFiles(paths);
        },
      },
    });
    await writeImageArchive({ tree: counting, kept: fixtureKept(), config: image.config, format: 'oci', output: join(out, 'batched.tar'), batchLimits: { bytes: 4000, files: 3 } });
    const read = batches.flat();
    expect(new Set(read).size).toBe(read.length);
    expect(read).toHaveLength(fixtureKept().filter((k) => k.type === 'file' || k.type === 'hardlink').length - 1);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(3);
      const bytes = batch.reduce((sum, path) => sum + (CONTENTS[path] ?? CONTENTS['/srv/app/z-original']).length, 0);
      if (batch.length > 1) expect(bytes).toBeLessThanOrEqual(4000);
    }
    expect(batches).toContainEqual(['/srv/app/big-2.bin']);
  });
});

describe('atomic output', () => {
  function leftovers(dir: string): string[] {
    return readdirSync(dir).filter((name) => name.includes('.scratchify-'));
  }

  it('leaves an existing output untouched and no temporary files when writing fails', async () => {
    const dir = tempDir('scratchify-archive-atomic-');
    const archive = join(dir, 'app.tar');
    writeFileSync(archive, 'previous');
    const kept = [...fixtureKept(), keptEntry('/srv/app/vanished', 'file', 0o644, 0, 0, '/srv/app/config.ini')];
    await expect(writeImageArchive({ tree: image.tree, kept, config: image.config, format: 'docker', output: archive })).rejects.toBeInstanceOf(ScratchifyError);
    expect(readFileSync(archive, 'utf8')).toBe('previous');
    expect(leftovers(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an output whose directory does not exist, or that is a directory, writing nothing', async () => {
    const dir = tempDir('scratchify-archive-atomic-');
    const base = { tree: image.tree, kept: fixtureKept(), config: image.config, format: 'oci' as const };
    await expect(writeImageArchive({ ...base, output: join(dir, 'missing', 'app.tar') })).rejects.toBeInstanceOf(UsageError);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    mkdirSync(join(dir, 'taken'));
    await expect(writeImageArchive({ ...base, output: join(dir, 'taken') })).rejects.toThrow(/not a regular file/);
    expect(readdirSync(dir)).toEqual(['taken']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a kept path under a kept symlink before writing anything', async () => {
    const dir = tempDir('scratchify-archive-atomic-');
    const kept = [...fixtureKept(), keptEntry('/bin/tool', 'file', 0o755, 0, 0, '/usr/bin/tool')];
    await expect(writeImageArchive({ tree: image.tree, kept, config: image.config, format: 'oci', output: join(dir, 'a.tar') })).rejects.toThrow(
      /\/bin\/tool is kept under \/bin, which is kept as a symlink/,
    );
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('references', () => {
  it.each(['MyApp:slim', 'app:-bad', 'app@sha256:abc', 'a//b:1', ''])('refuses %j', async (reference) => {
    await expect(
      writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'docker', output: join(out, 'ref.tar'), reference }),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it.each([
    ['app', 'app:latest'],
    ['localhost:5000/team/app:1.2', 'localhost:5000/team/app:1.2'],
    ['Registry.example.com/a__b/c-d:v1', 'Registry.example.com/a__b/c-d:v1'],
  ])('accepts %j as %j', async (reference, written) => {
    const archive = join(out, 'ref-ok.tar');
    await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'docker', output: archive, reference });
    expect((await readDockerArchive(archive)).dockerManifest![0].RepoTags).toEqual([written]);
  });
});
