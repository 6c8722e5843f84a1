/**
 * Reading back what the archive writer produced, with tar-stream's extractor (a reader, independent of the
 * writer's header choices): every entry's header and bytes, in archive order.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tar from 'tar-stream';

/** One entry as a reader sees it. */
export interface TarMember {
  header: tar.Header;
  data: Buffer;
}

/** All entries of a tar held in memory (test archives are small). */
export async function readTar(bytes: Buffer): Promise<TarMember[]> {
  const extract = tar.extract();
  const members: TarMember[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      members.push({ header: entry.header, data: Buffer.concat(chunks) });
    }
  })();
  extract.end(bytes);
  await done;
  return members;
}

export async function readTarFile(file: string): Promise<TarMember[]> {
  return readTar(readFileSync(file));
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The member called `name`; throws listing what there is when absent. */
export function member(members: TarMember[], name: string): Buffer {
  const found = members.find((m) => m.header.name === name);
  if (!found) throw new Error(`no ${name} in the archive; it has ${members.map((m) => m.header.name).join(', ')}`);
  return found.data;
}

/** The image inside an OCI archive, followed from index.json down to the layer, with every digest checked. */
export interface ArchiveImage {
  manifestDigest?: string;
  index?: Record<string, unknown>;
  manifest?: Record<string, unknown>;
  dockerManifest?: Array<Record<string, unknown>>;
  config: Record<string, any>;
  configDigest: string;
  layer: Buffer;
  layerDigest: string;
}

function blob(members: TarMember[], digest: string, size: number): Buffer {
  const data = member(members, `blobs/sha256/${digest.slice(7)}`);
  if (sha256(data) !== digest) throw new Error(`blob ${digest} has digest ${sha256(data)}`);
  if (data.length !== size) throw new Error(`blob ${digest} has ${data.length} bytes, descriptor says ${size}`);
  return data;
}

export async function readOciArchive(file: string): Promise<ArchiveImage> {
  const members = await readTarFile(file);
  const index = JSON.parse(member(members, 'index.json').toString()) as { manifests: Array<{ digest: string; size: number }> };
  const descriptor = index.manifests[0];
  const manifest = JSON.parse(blob(members, descriptor.digest, descriptor.size).toString());
  const config = JSON.parse(blob(members, manifest.config.digest, manifest.config.size).toString());
  const layer = blob(members, manifest.layers[0].digest, manifest.layers[0].size);
  return { manifestDigest: descriptor.digest, index, manifest, config, configDigest: manifest.config.digest, layer, layerDigest: manifest.layers[0].digest };
}

export async function readDockerArchive(file: string): Promise<ArchiveImage> {
  const members = await readTarFile(file);
  const dockerManifest = JSON.parse(member(members, 'manifest.json').toString()) as Array<{ Config: string; Layers: string[] }>;
  const configBytes = member(members, dockerManifest[0].Config);
  const layer = member(members, dockerManifest[0].Layers[0]);
  return {
    dockerManifest,
    config: JSON.parse(configBytes.toString()),
    configDigest: sha256(configBytes),
    layer,
    layerDigest: sha256(layer),
  };
}
