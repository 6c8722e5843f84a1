/**
 * Hostile images through the real engine. An image made by the test (Debian's layers, then a layer of
 * hostile names, and a config whose every field carries payloads with marker commands) is loaded; `slim`
 * reads its archive for a one-line `FROM <it>` Dockerfile; the emitted Dockerfile is built with BuildKit
 * (default escape and `# escape=\``), the legacy builder and buildah. The built image's config is the input config,
 * its files under the hostile directories are exactly the kept ones (names, types, modes, owners, link
 * targets), and no marker file exists in it or in the skeleton stage.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar-stream';
import type { KeptPath } from '../../src/analyze';
import { SKELETON_STAGE } from '../../src/emit/dockerfile';
import { slim, type SlimResult } from '../../src/slim';
import type { TestLayer } from '../image/image-builder';
import { DOCKER_CLIENT, DockerResources, RUN_ID, describeWithDocker, dockerOrThrow } from '../support/docker';
import {
  CONFIG_FIELDS, configOutcome, hostileArchive, hostileConfig, KEEP, namedEntries, namedPaths, PAYLOAD_KINDS, payload,
  UNWRITABLE, type ConfigField,
} from '../security/hostile-corpus';
import type { ByteEntry } from '../security/ustar';

const run = promisify(execFile);
const BASE = 'debian:bookworm-slim';
const TAG = `scratchify-sec-dockerfile-hostile-${RUN_ID}:e2e`;

/** Every member of a tar held in memory: name, type, mode, owner, link target. */
async function members(bytes: Buffer): Promise<Array<{ header: tar.Header; data: Buffer }>> {
  const extract = tar.extract();
  const found: Array<{ header: tar.Header; data: Buffer }> = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      found.push({ header: entry.header, data: Buffer.concat(chunks) });
    }
  })();
  extract.end(bytes);
  await done;
  return found;
}

/** A `docker save` archive (Docker 20.10: manifest.json, uncompressed `<id>/layer.tar`): its layers in order. */
async function savedLayers(file: string): Promise<TestLayer[]> {
  const all = await members(readFileSync(file));
  const manifest = JSON.parse(all.find((m) => m.header.name === 'manifest.json')!.data.toString()) as Array<{ Layers: string[] }>;
  return manifest[0].Layers.map((name) => {
    const data = all.find((m) => m.header.name === name)!.data;
    return { tar: data, stored: data };
  });
}

/** The entries of an image's layers, later layers over earlier ones (fresh images here have no whiteouts). */
async function imageEntries(image: string, work: string): Promise<Map<string, tar.Header>> {
  const file = join(work, `${image.replace(/\W+/g, '-')}.tar`);
  await dockerOrThrow(['save', '-o', file, image], { timeoutMs: 5 * 60_000 });
  const entries = new Map<string, tar.Header>();
  for (const layer of await savedLayers(file)) {
    for (const { header } of await members(layer.tar)) entries.set(`/${header.name.replace(/\/$/, '')}`, header);
  }
  rmSync(file);
  return entries;
}

async function build(dockerfile: string, tag: string, options: { legacy?: boolean; target?: string } = {}): Promise<void> {
  const args = ['build', '-q', '-f', dockerfile, '-t', tag, ...(options.target ? ['--target', options.target] : []), join(dockerfile, '..', 'context')];
  const env = { ...process.env, DOCKER_BUILDKIT: options.legacy ? '0' : '1' };
  try {
    await run(DOCKER_CLIENT, args, { env, maxBuffer: 1 << 26 });
  } catch {
    // Docker 20.10's BuildKit can fail a COPY under load ("flightcontrol: exceeded retry timeout"): once more.
    await run(DOCKER_CLIENT, args, { env, maxBuffer: 1 << 26 });
  }
}

/** Every payload that each field must write, the program's first: the config of the image under test. */
function e2eConfig(program: string): Record<string, unknown> {
  const values: Array<[ConfigField, string]> = [];
  const scalar: Partial<Record<ConfigField, string>> = {
    WorkingDir: payload('dollar', 'workdir'),
    User: payload('single-quote', 'user'),
    // Not one ending in ` or \: the # escape=` form is built too, which refuses a script ending in `.
    'Healthcheck CMD-SHELL': payload('double-quote', 'health'),
  };
  for (const field of CONFIG_FIELDS) {
    if (field in scalar) values.push([field, scalar[field] as string]);
    else if (['Env key', 'Env value', 'Labels key', 'Labels value', 'Volumes key', 'Entrypoint', 'Cmd'].includes(field)) {
      for (const kind of PAYLOAD_KINDS) if (configOutcome(field, kind) === 'written') values.push([field, payload(kind, `${field}-${kind}`.replace(/\W+/g, '-'))]);
    }
  }
  const config = hostileConfig(values);
  config.Entrypoint = [program, ...(config.Entrypoint as string[]).slice(1)];
  config.StopSignal = 'SIGQUIT';
  config.ExposedPorts = { '80/tcp': {}, '53/udp': {} };
  (config.Healthcheck as Record<string, unknown>).Interval = 30e9;
  return config;
}

/** The config fields `docker image inspect` shows, as the input config states them (an empty map as none). */
function runtimeFields(config: Record<string, unknown>): Record<string, unknown> {
  const pick = ['Env', 'Labels', 'User', 'WorkingDir', 'Volumes', 'StopSignal', 'ExposedPorts', 'Healthcheck', 'Entrypoint', 'Cmd'];
  const none = (value: unknown): boolean => value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
  return Object.fromEntries(pick.map((key) => [key, none(config[key]) ? null : config[key]]));
}

/** What a kept path looks like in a layer: type, permission bits, owner, link target. */
function shapeOfKept(kept: KeptPath): string {
  const type = kept.type === 'dir' ? 'directory' : kept.type === 'hardlink' ? 'file' : kept.type;
  return `${type} ${(kept.mode & 0o7777).toString(8)} ${kept.uid}:${kept.gid}${kept.type === 'symlink' ? ` -> ${kept.linkTarget}` : ''}`;
}

function shapeOfHeader(header: tar.Header): string {
  return `${header.type} ${((header.mode ?? 0) & 0o7777).toString(8)} ${header.uid}:${header.gid}${header.type === 'symlink' ? ` -> ${header.linkname}` : ''}`;
}

const HOSTILE_ROOT = /^\/(data|app|vol-)/;
const MARKER = /(^|\/)pwned-[^/]*$/;

describeWithDocker('hostile images through the real engine', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-e2e-hostile-'));
  let base: TestLayer[] = [];
  let entries: ByteEntry[] = [];
  let config: Record<string, unknown> = {};
  let archive = '';

  beforeAll(async () => {
    mkdirSync(join(work, 'context'));
    const baseFile = join(work, 'base.tar');
    await dockerOrThrow(['save', '-o', baseFile, BASE], { timeoutMs: 5 * 60_000 });
    base = await savedLayers(baseFile);
    rmSync(baseFile);
    const names = PAYLOAD_KINDS.filter((kind) => !UNWRITABLE.includes(kind)).map((kind) => payload(kind, kind, true));
    const paths = names.map(namedPaths);
    entries = namedEntries(paths);
    config = e2eConfig(paths[0].program);
    config.Volumes = { ...(config.Volumes as object), ...Object.fromEntries(paths.map((p) => [p.volume, {}])) };
    archive = join(work, 'hostile.tar');
    writeFileSync(archive, await hostileArchive(base, entries, config, TAG));
    await dockerOrThrow(['load', '-q', '-i', archive], { timeoutMs: 5 * 60_000 });
    resources.image(TAG);
  }, 10 * 60_000);

  afterAll(async () => {
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  const slimmedBy = new Map<string, Promise<{ file: string; result: SlimResult }>>();

  /** slim on a one-line Dockerfile `FROM <the loaded image>`, reading the image from `from` (an archive). */
  function slimmed(escape: '\\' | '`', from = archive): Promise<{ file: string; result: SlimResult }> {
    const name = `${escape === '`' ? 'backtick' : 'backslash'}-${from === archive ? 'loaded' : 'other'}`;
    const known = slimmedBy.get(name);
    if (known) return known;
    const done = (async () => {
      const text = `${escape === '`' ? '# escape=`\n' : ''}FROM ${TAG}\n`;
      const result = await slim({ dockerfile: { text, file: join(work, `${name}.Dockerfile`) }, image: { kind: 'archive', path: from }, keep: [KEEP] });
      if (result.form !== 'exact') throw new Error('expected the exact form from an image archive');
      if (result.text === undefined) throw new Error('expected the emitted Dockerfile');
      const file = join(work, `${name}.slim.Dockerfile`);
      writeFileSync(file, result.text);
      return { file, result };
    })();
    slimmedBy.set(name, done);
    return done;
  }

  async function expectFaithful(tag: string, result: SlimResult, input = config): Promise<void> {
    const inspected = JSON.parse(await dockerOrThrow(['image', 'inspect', '--format', '{{json .Config}}', tag])) as Record<string, unknown>;
    // buildah labels what it builds with its version.
    const labels = Object.entries((inspected.Labels as Record<string, string> | null) ?? {}).filter(([key]) => key !== 'io.buildah.version');
    expect(runtimeFields({ ...inspected, Labels: Object.fromEntries(labels) })).toEqual(runtimeFields(input));

    const layers = await imageEntries(tag, work);
    const built = [...layers].filter(([path]) => HOSTILE_ROOT.test(path)).map(([path, header]) => `${JSON.stringify(path)} ${shapeOfHeader(header)}`).sort();
    const kept = result.analysis.kept.filter((k) => HOSTILE_ROOT.test(k.path)).map((k) => `${JSON.stringify(k.path)} ${shapeOfKept(k)}`).sort();
    expect(built).toEqual(kept);
    expect([...layers.keys()].filter((path) => MARKER.test(path))).toEqual([]);
  }

  test('BuildKit builds exactly the image, with no payload run (default escape)', async () => {
    const { file, result } = await slimmed('\\');
    await build(file, resources.image(`${TAG}-slim`));
    await expectFaithful(`${TAG}-slim`, result);
    await build(file, resources.image(`${TAG}-skeleton`), { target: SKELETON_STAGE });
    const skeleton = await imageEntries(`${TAG}-skeleton`, work);
    expect([...skeleton.keys()].filter((path) => MARKER.test(path))).toEqual([]);
  }, 10 * 60_000);

  test('BuildKit builds the same image from the # escape=` form', async () => {
    const { file, result } = await slimmed('`');
    await build(file, resources.image(`${TAG}-slim-backtick`));
    await expectFaithful(`${TAG}-slim-backtick`, result);
  }, 10 * 60_000);

  test('the legacy builder builds the same image', async () => {
    const { file, result } = await slimmed('\\');
    await build(file, resources.image(`${TAG}-slim-legacy`), { legacy: true });
    await expectFaithful(`${TAG}-slim-legacy`, result);
  }, 10 * 60_000);

  test('buildah builds the same image', async () => {
    // buildah cannot RUN in an image with a VOLUME path that is a bad glob pattern (it populates volumes
    // through its glob matcher: "syntax error in pattern" for a path ending in \\), so the skeleton stage of
    // this image fails there, loudly. The image for buildah has no VOLUMEs; everything else is the same.
    const input = { ...config, Volumes: undefined };
    const other = join(work, 'hostile-no-volumes.tar');
    writeFileSync(other, await hostileArchive(base, entries, input, TAG));
    const { file, result } = await slimmed('\\', other);
    const buildahFile = join(work, 'buildah.Dockerfile');
    writeFileSync(buildahFile, readFileSync(file, 'utf8').replace(`FROM ${TAG} AS original`, `FROM localhost/${TAG} AS original`));
    const slimTag = `localhost/${TAG}-slim-buildah`;
    const slimArchive = join(work, 'buildah-slim.tar');
    await run('buildah', ['pull', '-q', `docker-archive:${other}`], { maxBuffer: 1 << 26 });
    try {
      await run('buildah', ['bud', '-q', '--format', 'docker', '-f', buildahFile, '-t', slimTag, join(work, 'context')], { maxBuffer: 1 << 26 });
      await run('buildah', ['push', '-q', slimTag, `docker-archive:${slimArchive}:${slimTag}`], { maxBuffer: 1 << 26 });
    } finally {
      await run('buildah', ['rmi', '-f', slimTag, `localhost/${TAG}`]).catch(() => undefined);
    }
    await dockerOrThrow(['load', '-q', '-i', slimArchive], { timeoutMs: 5 * 60_000 });
    await expectFaithful(resources.image(slimTag), result, input);
  }, 10 * 60_000);
});
