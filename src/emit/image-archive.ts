/**
 * The slim image written directly as an image archive, no engine and no Dockerfile build needed: one layer
 * holding the kept paths, a config carrying the original runtime config over, and the small manifest files
 * of either format.
 *
 * - `oci`: an OCI image layout in a tar (image-spec `image-layout.md`), the form `skopeo` and `podman` read as
 *   `oci-archive:`. `index.json` names the image with `org.opencontainers.image.ref.name` when a reference is
 *   given.
 * - `docker`: the `docker save` layout that `docker load` has always read (`manifest.json` with `Config`,
 *   `RepoTags`, `Layers`; the config as `<hex>.json`; the layer as `<hex>/layer.tar`, as Docker 20.10 saves).
 *
 * The layer is stored uncompressed. Its digest is then its diff_id, computed in the one pass that writes it;
 * and the bytes do not depend on the zlib build of the Node.js that wrote them (deflate output is not
 * specified and has changed between zlib versions), so the archive is reproducible across machines, not only
 * across runs. `docker load` and skopeo take either; a registry push compresses anyway (`skopeo copy`
 * compresses by default), and the outer archive can be gzipped whole.
 *
 * Reproducible: fixed mtimes (`SOURCE_DATE_EPOCH` or 0), canonical JSON, sorted entries, so the same inputs
 * give the same bytes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { KeptPath } from '../analyze/types';
import type { SynthesizedFile } from '../packages';
import { UsageError } from '../errors';
import type { ImageConfig } from '../image/source';
import { OutputSet, type StagedOutput } from '../output';
import type { FileTree } from '../tree/types';
import { canonicalJson } from './archive-canonical-json';
import { slimImageConfig } from './archive-image-config';
import { normalizeReference } from './archive-reference';
import { TarFileWriter } from './archive-tar-writer';
import { comparePaths, DEFAULT_BATCH_LIMITS, planLayer, writeLayerEntries, type LayerBatchLimits } from './layer-tar';

/** Which archive to write. */
export type ImageArchiveFormat = 'oci' | 'docker';

export interface ImageArchiveContent {
  /** The image's merged tree, where contents are read from. */
  tree: FileTree;
  /** What the slim image holds (the analysis' `kept`). */
  kept: readonly KeptPath[];
  /**
   * The content of the kept paths the image does not have (the plan's `synthesized`: the package database).
   * Without it, those paths are left out and the archive holds only the image's own.
   */
  synthesized?: readonly SynthesizedFile[];
  /** The original image's config; its `raw` JSON is carried over. */
  config: ImageConfig;
  format: ImageArchiveFormat;
  /** A tag such as `myapp:slim` (`latest` when no tag): docker's RepoTags, OCI's `ref.name` annotation. */
  reference?: string;
  /** Seconds since the epoch for every timestamp; default `SOURCE_DATE_EPOCH` from the environment, else 0. */
  sourceDateEpoch?: number;
  /** How much file content is read at a time. */
  batchLimits?: LayerBatchLimits;
}

export interface ImageArchiveOptions extends ImageArchiveContent {
  /** The archive file to write (replaced atomically, never over anything but a regular file: src/output/). */
  output: string;
}

/** What was written. Digests are `sha256:<hex>`. */
export interface WrittenImageArchive {
  /**
   * The image's identity in its format: for `oci` the manifest digest (what `skopeo inspect` shows as
   * Digest), for `docker` the config digest (the image ID `docker load` prints).
   */
  digest: string;
  configDigest: string;
  /** Digest of the (uncompressed) layer tar, which is also its diff_id. */
  layerDigest: string;
  /** Size of the archive file. */
  bytes: number;
  /** Kept paths that the layer could not carry (device nodes, sockets). */
  skipped: string[];
}

export const OCI_MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** One member of the outer archive: a directory, a small blob in memory, or a file streamed from disk. */
type ArchiveMember =
  | { name: string; kind: 'dir' }
  | { name: string; kind: 'data'; data: Buffer }
  | { name: string; kind: 'file'; file: string; size: number };

interface ImageParts {
  config: ImageConfig;
  configBytes: Buffer;
  configDigest: string;
  layerFile: string;
  layerDigest: string;
  layerSize: number;
  reference?: string;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

/** The timestamp of everything written: explicit, else reproducible-builds' SOURCE_DATE_EPOCH, else 0. */
function resolveEpoch(explicit: number | undefined): number {
  if (explicit !== undefined) {
    if (!Number.isSafeInteger(explicit) || explicit < 0) throw new UsageError(`source date epoch must be a whole number of seconds ≥ 0, not ${explicit}`);
    return explicit;
  }
  const fromEnvironment = process.env.SOURCE_DATE_EPOCH;
  if (fromEnvironment === undefined || fromEnvironment === '') return 0;
  // reproducible-builds.org spec: an integer of seconds; anything else must be an error, not ignored.
  if (!/^\d+$/.test(fromEnvironment) || !Number.isSafeInteger(Number(fromEnvironment))) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds, not ${JSON.stringify(fromEnvironment)}`);
  }
  return Number(fromEnvironment);
}

function ociMembers(parts: ImageParts): { members: ArchiveMember[]; digest: string } {
  const manifest = canonicalJson({
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.manifest,
    config: { mediaType: OCI_MEDIA_TYPES.config, digest: parts.configDigest, size: parts.configBytes.length },
    layers: [{ mediaType: OCI_MEDIA_TYPES.layer, digest: parts.layerDigest, size: parts.layerSize }],
  });
  const manifestDigest = sha256(manifest);
  const platform: Record<string, string> = { architecture: parts.config.architecture, os: parts.config.os };
  if (parts.config.variant) platform.variant = parts.config.variant;
  const descriptor: Record<string, unknown> = { mediaType: OCI_MEDIA_TYPES.manifest, digest: manifestDigest, size: manifest.length, platform };
  if (parts.reference) descriptor.annotations = { 'org.opencontainers.image.ref.name': parts.reference };
  const index = canonicalJson({ schemaVersion: 2, mediaType: OCI_MEDIA_TYPES.index, manifests: [descriptor] });
  return {
    digest: manifestDigest,
    members: [
      { name: 'blobs', kind: 'dir' },
      { name: 'blobs/sha256', kind: 'dir' },
      { name: `blobs/sha256/${hex(parts.configDigest)}`, kind: 'data', data: parts.configBytes },
      { name: `blobs/sha256/${hex(manifestDigest)}`, kind: 'data', data: manifest },
      { name: `blobs/sha256/${hex(parts.layerDigest)}`, kind: 'file', file: parts.layerFile, size: parts.layerSize },
      { name: 'index.json', kind: 'data', data: index },
      { name: 'oci-layout', kind: 'data', data: canonicalJson({ imageLayoutVersion: '1.0.0' }) },
    ],
  };
}

function dockerMembers(parts: ImageParts): { members: ArchiveMember[]; digest: string } {
  const configName = `${hex(parts.configDigest)}.json`;
  const layerName = `${hex(parts.layerDigest)}/layer.tar`;
  // docker save writes `null` RepoTags for an untagged image; load then keeps it untagged.
  const manifest = canonicalJson([{ Config: configName, RepoTags: parts.reference ? [parts.reference] : null, Layers: [layerName] }]);
  return {
    digest: parts.configDigest,
    members: [
      { name: configName, kind: 'data', data: parts.configBytes },
      { name: hex(parts.layerDigest), kind: 'dir' },
      { name: layerName, kind: 'file', file: parts.layerFile, size: parts.layerSize },
      { name: 'manifest.json', kind: 'data', data: manifest },
    ],
  };
}

async function writeMembers(writer: TarFileWriter, members: ArchiveMember[]): Promise<void> {
  const ordered = [...members].sort((a, b) => comparePaths(`/${a.name}`, `/${b.name}`));
  for (const member of ordered) {
    const header = { name: member.name, uid: 0, gid: 0 };
    if (member.kind === 'dir') await writer.add({ ...header, type: 'directory', mode: 0o755 });
    else if (member.kind === 'data') await writer.add({ ...header, type: 'file', mode: 0o644 }, member.data);
    else await writer.addStream({ ...header, type: 'file', mode: 0o644 }, member.size, fs.createReadStream(member.file));
  }
}

/** Runs `fill` on a new tar writer at `file` and finishes it; on failure the writer is stopped first. */
async function writeTar(file: string, mtime: Date, fill: (writer: TarFileWriter) => Promise<void>) {
  const writer = new TarFileWriter(file, mtime);
  try {
    await fill(writer);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.finish();
}

/**
 * Writes the slim image as an archive into `output`, one output of a command's OutputSet (src/output/): the
 * layer goes to a scratch file beside it, the archive to its temporary file; the set installs it.
 */
export async function produceImageArchive(output: StagedOutput, options: ImageArchiveContent): Promise<WrittenImageArchive> {
  const epoch = resolveEpoch(options.sourceDateEpoch);
  const reference = options.reference === undefined ? undefined : normalizeReference(options.reference);
  // Planned before any content is read: a bad kept list fails at once.
  const plan = options.synthesized
    ? planLayer(options.tree, options.kept, options.synthesized)
    : planLayer(options.tree, options.kept.filter((kept) => !kept.synthesized));
  const mtime = new Date(epoch * 1000);
  return output.produce(async (into) => {
    const layerFile = output.newScratchFile('layer');
    const layer = await writeTar(layerFile, mtime, (writer) =>
      writeLayerEntries(options.tree, plan, writer, options.batchLimits ?? DEFAULT_BATCH_LIMITS),
    );
    const configBytes = slimImageConfig(options.config, layer.digest, epoch);
    const parts: ImageParts = {
      config: options.config,
      configBytes,
      configDigest: sha256(configBytes),
      layerFile,
      layerDigest: layer.digest,
      layerSize: layer.size,
      reference,
    };
    const { members, digest } = options.format === 'oci' ? ociMembers(parts) : dockerMembers(parts);
    const archive = await writeTar(into, mtime, (writer) => writeMembers(writer, members));
    return { digest, configDigest: parts.configDigest, layerDigest: layer.digest, bytes: archive.size, skipped: plan.skipped };
  });
}

/** Writes the slim image as an archive at `options.output`: all or nothing, the old file kept on failure. */
export async function writeImageArchive(options: ImageArchiveOptions): Promise<WrittenImageArchive> {
  const outputs = OutputSet.open([{ option: 'output', path: options.output }]);
  try {
    const written = await produceImageArchive(outputs.get('output') as StagedOutput, options);
    outputs.commit();
    return written;
  } finally {
    outputs.discard();
  }
}
