/**
 * Builds small images for tests, in memory and in temporary directories, with tar-stream: layer tars, then
 * the container formats around them (docker save legacy and Docker ≥ 25, OCI layout, OCI archive).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';

/** One tar member of a test layer. */
export interface TestEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  pax?: Record<string, string>;
}

/** An uncompressed tar of the entries, in the order given. */
export async function tarOf(entries: TestEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content);
    const header: Partial<tar.Header> & { name: string } = {
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      mtime: new Date((entry.mtime ?? 1_700_000_000) * 1000),
      linkname: entry.linkname,
      pax: entry.pax,
    };
    if (type === 'character-device') Object.assign(header, { devmajor: 1, devminor: 3 });
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (type === 'file') pack.entry(header, content, callback);
      else pack.entry(header, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A layer as tests hand it to the format writers: the uncompressed tar and how it is stored. */
export interface TestLayer {
  tar: Buffer;
  stored: Buffer;
}

export async function layer(entries: TestEntry[], options: { gzip?: boolean } = {}): Promise<TestLayer> {
  const bytes = await tarOf(entries);
  return { tar: bytes, stored: options.gzip ? zlib.gzipSync(bytes) : bytes };
}

export function configFor(layers: TestLayer[], config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.tar)) },
      ...extra,
    }),
  );
}

export function tempDir(prefix = 'scratchify-image-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An outer tar of named members, in the given order. */
export async function archiveOf(members: Array<{ name: string; data: Buffer | string }>): Promise<Buffer> {
  return tarOf(members.map((member) => ({ name: member.name, content: member.data })));
}

function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

/** Legacy `docker save` (Docker ≤ 24): `<id>/layer.tar`, `<config hex>.json`, manifest.json first. */
export async function dockerLegacyArchive(layers: TestLayer[], config: Buffer, tags = ['test:latest']): Promise<Buffer> {
  const configHex = hex(sha256(config));
  const layerMembers = layers.map((l, i) => ({ name: `${hex(sha256(`${i}${configHex}`))}/layer.tar`, data: l.stored }));
  const manifest = [{ Config: `${configHex}.json`, RepoTags: tags, Layers: layerMembers.map((m) => m.name) }];
  return archiveOf([
    { name: 'manifest.json', data: JSON.stringify(manifest) },
    { name: `${configHex}.json`, data: config },
    ...layerMembers,
    { name: 'repositories', data: '{}' },
  ]);
}

export interface OciBlobs {
  members: Array<{ name: string; data: Buffer | string }>;
  manifestDigest: string;
  layerDigests: string[];
}

/** The blobs and index of an OCI layout holding one image. */
export function ociLayoutMembers(
  layers: TestLayer[],
  config: Buffer,
  options: { gzipMediaType?: boolean; refName?: string; platform?: Record<string, string>; extraIndexManifests?: unknown[] } = {},
): OciBlobs {
  const layerDigests = layers.map((l) => sha256(l.stored));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l, i) => ({
        mediaType: `application/vnd.oci.image.layer.v1.tar${options.gzipMediaType ? '+gzip' : ''}`,
        digest: layerDigests[i],
        size: l.stored.length,
      })),
    }),
  );
  const manifestDigest = sha256(manifest);
  const descriptor: Record<string, unknown> = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: manifestDigest,
    size: manifest.length,
  };
  if (options.refName) descriptor.annotations = { 'org.opencontainers.image.ref.name': options.refName };
  if (options.platform) descriptor.platform = options.platform;
  const index = { schemaVersion: 2, manifests: [descriptor, ...(options.extraIndexManifests ?? [])] };
  const blobs = [
    ...layers.map((l, i) => ({ name: `blobs/sha256/${hex(layerDigests[i])}`, data: l.stored })),
    { name: `blobs/sha256/${hex(sha256(config))}`, data: config },
    { name: `blobs/sha256/${hex(manifestDigest)}`, data: manifest },
  ];
  return {
    members: [...blobs, { name: 'index.json', data: JSON.stringify(index) }, { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }],
    manifestDigest,
    layerDigests,
  };
}

/** Docker ≥ 25 `docker save`: an OCI layout plus manifest.json, written after the blobs (containerd sorts by name). */
export async function dockerOciArchive(layers: TestLayer[], config: Buffer): Promise<Buffer> {
  const oci = ociLayoutMembers(layers, config, { refName: 'test:latest' });
  const manifest = [
    {
      Config: `blobs/sha256/${hex(sha256(config))}`,
      RepoTags: ['test:latest'],
      Layers: oci.layerDigests.map((digest) => `blobs/sha256/${hex(digest)}`),
    },
  ];
  const members = [...oci.members, { name: 'manifest.json', data: JSON.stringify(manifest) }, { name: 'repositories', data: '{}' }];
  members.sort((a, b) => (a.name < b.name ? -1 : 1));
  return archiveOf(members);
}

/** Writes members into a directory (an OCI layout directory). */
export function writeDirectory(dir: string, members: Array<{ name: string; data: Buffer | string }>): string {
  for (const member of members) {
    const target = path.join(dir, member.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, member.data);
  }
  return dir;
}

export function writeFile(dir: string, name: string, data: Buffer): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, data);
  return target;
}
