/**
 * `docker save` archives, read through their `manifest.json` (moby `image/tarexport`):
 * - legacy (Docker ≤ 24): `<v1id>/layer.tar` members, uncompressed, config at `<hex>.json`;
 * - Docker ≥ 25: also an OCI layout; `manifest.json` names `blobs/sha256/<hex>` members, which are
 *   uncompressed (graphdriver store) or the registry's gzip blobs (containerd store), and `manifest.json`
 *   comes after the blobs in the tar. The tar is indexed once and read by random access, so neither the order
 *   nor the compression (sniffed per layer) matters. Reference: runtime-deps.md §5.3.
 */
import { createHash } from 'node:crypto';
import { ImageError } from '../errors';
import { parseImageConfig, parseJson } from './image-config';
import { TarMembers } from './member-store';
import type { ImageSelection, ImageSource, LayerSource, OpenedImage } from './source';

interface ManifestRecord {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** `blobs/sha256/<hex>` member names carry the blob digest, which is then verified while streaming. */
const BLOB_MEMBER = /^blobs\/(sha256|sha512)\/([a-f0-9]{64}|[a-f0-9]{128})$/;
/** Legacy config members are `<image id hex>.json`, and the image id is the config's sha256. */
const LEGACY_CONFIG_MEMBER = /^([a-f0-9]{64})\.json$/;

function checkRecords(value: unknown, file: string): ManifestRecord[] {
  const valid =
    Array.isArray(value) &&
    value.every(
      (record) =>
        typeof record === 'object' &&
        record !== null &&
        typeof record.Config === 'string' &&
        Array.isArray(record.Layers) &&
        record.Layers.every((layer: unknown) => typeof layer === 'string'),
    );
  if (!valid) throw new ImageError('manifest.json is not a list of {Config, Layers} records', { file });
  return value as ManifestRecord[];
}

function pickRecord(records: ManifestRecord[], selection: ImageSelection, file: string): ManifestRecord {
  if (records.length === 0) throw new ImageError('manifest.json lists no image', { file });
  if (selection.reference) {
    const wanted = selection.reference;
    const withTag = wanted.includes(':') ? wanted : `${wanted}:latest`;
    const match = records.find((record) => (record.RepoTags ?? []).some((tag) => tag === wanted || tag === withTag || tag === `docker.io/library/${withTag}`));
    if (!match) throw new ImageError(`no image tagged ${wanted} in the archive`, { file });
    return match;
  }
  if (records.length > 1) {
    const tags = records.map((record) => (record.RepoTags ?? []).join(',') || record.Config).join('; ');
    throw new ImageError(`the archive holds ${records.length} images, choose one by reference: ${tags}`, { file });
  }
  return records[0];
}

function blobDigest(member: string): string | undefined {
  const match = BLOB_MEMBER.exec(member);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

/** Verifies a config member against the digest its name carries (Docker ≥ 25 blob, or legacy image id). */
function checkConfigDigest(member: string, bytes: Buffer, file: string): void {
  const fromBlob = blobDigest(member);
  const legacy = LEGACY_CONFIG_MEMBER.exec(member);
  const expected = fromBlob ?? (legacy ? `sha256:${legacy[1]}` : undefined);
  if (!expected) return;
  const algorithm = expected.slice(0, expected.indexOf(':'));
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (actual !== expected) throw new ImageError(`config ${member}: digest mismatch, content is ${actual}`, { file });
}

/** A `docker save` tar, either format. */
export class DockerArchiveSource implements ImageSource {
  readonly format = 'docker-archive' as const;

  constructor(
    private readonly file: string,
    private readonly selection: ImageSelection = {},
    private readonly members?: TarMembers,
  ) {}

  async open(): Promise<OpenedImage> {
    const store = this.members ?? (await TarMembers.index(this.file));
    const file = this.file;
    if (store.size('manifest.json') === undefined) throw new ImageError('not a docker save archive: no manifest.json', { file });
    const record = pickRecord(checkRecords(parseJson(await store.read('manifest.json'), file, 'manifest.json'), file), this.selection, file);
    if (store.size(record.Config) === undefined) throw new ImageError(`manifest.json names config ${record.Config}, which is not in the archive`, { file });
    const configBytes = await store.read(record.Config);
    checkConfigDigest(record.Config, configBytes, file);
    const config = parseImageConfig(configBytes, file);
    if (config.diffIds.length !== record.Layers.length) {
      throw new ImageError(`manifest.json lists ${record.Layers.length} layers but the config has ${config.diffIds.length} diff ids`, { file });
    }
    const layers = record.Layers.map((member, i): LayerSource => {
      const size = store.size(member);
      if (size === undefined) throw new ImageError(`manifest.json names layer ${member}, which is not in the archive`, { file });
      const layer: LayerSource = { name: member, diffId: config.diffIds[i], size, open: (range) => store.open(member, range) };
      const digest = blobDigest(member);
      if (digest) layer.digest = digest;
      const location = store.locate(member);
      if (location) layer.location = location;
      return layer;
    });
    return { format: this.format, file, config, layers };
  }
}
