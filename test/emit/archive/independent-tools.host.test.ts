/**
 * The archives checked by tools nobody here wrote: skopeo (containers/image) reads the OCI archive and the
 * docker archive and checks every blob digest on the way; umoci unpacks the OCI layout into a root
 * filesystem, applying the layer as a runtime would, so modes, owners, symlinks and hardlinks are checked on
 * real files. Both are Debian packages installed by test/e2e/engine.sh.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeImageArchive, type WrittenImageArchive } from '../../../src/emit/image-archive';
import { openImage, type LoadedImage } from '../../../src/image';
import { tempDir } from '../../image/image-builder';
import { describeWithHostTools } from '../../support/host-tools';
import { CONTENTS, LONG_FILE, UNICODE_FILE, fixtureKept, makeFixtureRoot } from './fixture-root';
import { readOciArchive } from './tar-contents';

function tool(name: string, args: string[]): string {
  try {
    return execFileSync(name, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new Error(`${name} is not installed: run \`apt-get install -y skopeo umoci\` (or test/e2e/engine.sh)`);
    throw new Error(`${name} ${args.join(' ')} failed:\n${failure.stderr ?? failure.message}`);
  }
}

const REFERENCE = 'scratchify-test/app:slim';

let root: string;
let image: LoadedImage;
let out: string;
let oci: string;
let written: WrittenImageArchive;

beforeAll(async () => {
  root = makeFixtureRoot();
  image = await openImage(root);
  out = tempDir('scratchify-archive-tools-');
  oci = join(out, 'app-oci.tar');
  written = await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'oci', output: oci, reference: REFERENCE });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describeWithHostTools(['skopeo'], 'skopeo', () => {
  it('inspects the OCI archive by its ref name, with our manifest digest and layer', () => {
    const inspected = JSON.parse(tool('skopeo', ['inspect', `oci-archive:${oci}:${REFERENCE}`])) as Record<string, unknown>;
    expect(inspected).toMatchObject({ Digest: written.digest, Layers: [written.layerDigest], Architecture: 'amd64', Os: 'linux', Created: '1970-01-01T00:00:00Z' });
  });

  it('returns our config blob from the OCI archive', async () => {
    const config = JSON.parse(tool('skopeo', ['inspect', '--config', `oci-archive:${oci}`]));
    expect(config).toEqual((await readOciArchive(oci)).config);
  });

  it('inspects the docker archive and finds the tag and the layer', async () => {
    const docker = join(out, 'app-docker.tar');
    const result = await writeImageArchive({ tree: image.tree, kept: fixtureKept(), config: image.config, format: 'docker', output: docker, reference: REFERENCE });
    // Addressed by its tag: skopeo finds it only through manifest.json's RepoTags.
    const inspected = JSON.parse(tool('skopeo', ['inspect', `docker-archive:${docker}:${REFERENCE}`])) as Record<string, unknown>;
    expect(inspected).toMatchObject({ Layers: [result.layerDigest], Architecture: 'amd64' });
  });
});

describeWithHostTools(['umoci', 'tar'], 'umoci', () => {
  let rootfs: string;

  beforeAll(() => {
    const layout = join(out, 'layout');
    tool('mkdir', ['-p', layout]);
    tool('tar', ['-xf', oci, '-C', layout]);
    expect(tool('umoci', ['ls', '--layout', layout]).trim()).toBe(REFERENCE);
    tool('umoci', ['unpack', '--image', `${layout}:${REFERENCE}`, join(out, 'bundle')]);
    rootfs = join(out, 'bundle', 'rootfs');
  });

  const onDisk = (path: string) => lstatSync(join(rootfs, path));

  it('unpacks modes (setuid, sticky, none at all) and numeric owners', () => {
    const facts = (path: string) => ({ path, mode: onDisk(path).mode & 0o7777, uid: onDisk(path).uid, gid: onDisk(path).gid });
    expect(facts('/usr/bin/su-helper')).toEqual({ path: '/usr/bin/su-helper', mode: 0o4755, uid: 0, gid: 0 });
    expect(facts('/tmp')).toEqual({ path: '/tmp', mode: 0o1777, uid: 0, gid: 0 });
    expect(facts('/srv/app/secret')).toEqual({ path: '/srv/app/secret', mode: 0, uid: 0, gid: 0 });
    expect(facts('/srv/app')).toEqual({ path: '/srv/app', mode: 0o750, uid: 1000, gid: 1001 });
    expect(facts('/srv/app/config.ini')).toEqual({ path: '/srv/app/config.ini', mode: 0o644, uid: 1000, gid: 1001 });
  });

  it('unpacks symlinks as symlinks and a hardlink set as one inode', () => {
    expect(onDisk('/bin').isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(rootfs, 'bin'))).toBe('usr/bin');
    expect(readlinkSync(join(rootfs, 'srv/app/config-link'))).toBe('/srv/app/config.ini');
    expect(onDisk('/srv/app/z-original').ino).toBe(onDisk('/srv/app/a-second-name').ino);
    expect(onDisk('/srv/app/z-original').nlink).toBe(2);
    expect(onDisk('/srv/app/orphan-link').nlink).toBe(1);
  });

  it('unpacks the contents, long and non-ASCII names included, and nothing that was not kept', () => {
    for (const path of [LONG_FILE, UNICODE_FILE, '/srv/app/big-2.bin', '/srv/app/orphan-link']) {
      const expected = CONTENTS[path] ?? CONTENTS['/srv/app/orphan-target'];
      expect(readFileSync(join(rootfs, path)).equals(expected)).toBe(true);
    }
    expect(() => onDisk('/usr/share')).toThrow(/ENOENT/);
  });
});
