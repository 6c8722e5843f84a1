/**
 * OCI image layout (image-spec `image-layout.md`): `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. The walk
 * goes index → (nested indexes) → manifest → config and layers, verifying every small blob's digest. Written
 * against `MemberStore`, so the directory form here and the tar form (`oci-archive.ts`) share it.
 */
import { createHash } from 'node:crypto';
import { ImageError } from '../errors';
import { blobPath, parseDigest } from './digest';
import { parseImageConfig, parseJson } from './image-config';
import { DirectoryMembers, type MemberStore } from './member-store';
import type { ImageFormat, ImageSelection, ImageSource, LayerSource, OpenedImage } from './source';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
/** Nested indexes deeper than this are a cycle or an attack, not an image. */
const MAX_INDEX_DEPTH = 8;

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

interface Candidate {
  descriptor: Descriptor;
  platform?: Descriptor['platform'];
  names: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a blob and checks it against its descriptor's digest (and size when given). */
export async function readVerifiedBlob(store: MemberStore, descriptor: Descriptor, what: string): Promise<Buffer> {
  const path = blobPath(descriptor.digest, store.file);
  if (store.size(path) === undefined) {
    throw new ImageError(`${what} ${descriptor.digest} is missing (no ${path})`, { file: store.file });
  }
  const bytes = await store.read(path);
  const { algorithm, hex } = parseDigest(descriptor.digest, store.file);
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== hex) {
    throw new ImageError(`${what} digest mismatch: expected ${descriptor.digest}, content is ${algorithm}:${actual}`, { file: store.file });
  }
  if (typeof descriptor.size === 'number' && descriptor.size !== bytes.length) {
    throw new ImageError(`${what} ${descriptor.digest}: size ${bytes.length} differs from descriptor size ${descriptor.size}`, { file: store.file });
  }
  return bytes;
}

function descriptors(value: unknown, field: string, file: string): Descriptor[] {
  if (!Array.isArray(value)) throw new ImageError(`${field} must be a list of descriptors`, { file });
  return value.map((item) => {
    if (!isRecord(item) || typeof item.digest !== 'string') throw new ImageError(`${field} has a descriptor without digest`, { file });
    return item as unknown as Descriptor;
  });
}

/**
 * Attestation manifests that BuildKit puts beside the image (platform unknown/unknown, annotation
 * `vnd.docker.reference.type: attestation-manifest`) are never images to analyze.
 */
function isAttestation(candidate: Candidate): boolean {
  const annotations = candidate.descriptor.annotations ?? {};
  if (annotations['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return candidate.platform?.os === 'unknown' && candidate.platform?.architecture === 'unknown';
}

async function collectCandidates(store: MemberStore, index: unknown, depth: number, names: string[]): Promise<Candidate[]> {
  if (!isRecord(index)) throw new ImageError('image index is not a JSON object', { file: store.file });
  const found: Candidate[] = [];
  for (const descriptor of descriptors(index.manifests ?? [], 'index manifests', store.file)) {
    const refs = [descriptor.annotations?.['org.opencontainers.image.ref.name'], descriptor.annotations?.['io.containerd.image.name']]
      .filter((name): name is string => typeof name === 'string');
    const ownNames = [...names, ...refs];
    if (descriptor.mediaType && INDEX_TYPES.has(descriptor.mediaType)) {
      if (depth >= MAX_INDEX_DEPTH) throw new ImageError('image indexes nested too deeply', { file: store.file });
      // Other platforms' blobs are usually absent from Docker/containerd exports (runtime-deps.md §5.1).
      if (store.size(blobPath(descriptor.digest, store.file)) === undefined) continue;
      const nested = parseJson(await readVerifiedBlob(store, descriptor, 'image index'), store.file, 'image index');
      found.push(...(await collectCandidates(store, nested, depth + 1, ownNames)));
    } else if (!descriptor.mediaType || MANIFEST_TYPES.has(descriptor.mediaType)) {
      found.push({ descriptor, platform: descriptor.platform, names: ownNames });
    }
    // Unknown media types are ignored, as image-layout.md requires.
  }
  return found;
}

function platformName(platform: Candidate['platform']): string {
  if (!platform) return 'unknown platform';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

function matchesReference(names: string[], reference: string): boolean {
  // `ref.name` is often only the tag ("bookworm-slim"), containerd's name is the full reference.
  return names.some((name) => name === reference || reference.endsWith(`:${name}`) || name.endsWith(`/${reference}`));
}

function pickCandidate(candidates: Candidate[], selection: ImageSelection, file: string): Candidate {
  let pool = candidates.filter((candidate) => !isAttestation(candidate));
  if (selection.reference) {
    const reference = selection.reference;
    pool = pool.filter((candidate) => matchesReference(candidate.names, reference));
    if (pool.length === 0) throw new ImageError(`no image named ${reference} in the layout`, { file });
  }
  if (pool.length === 0) throw new ImageError('the layout has no image manifest', { file });
  const distinct = (list: Candidate[]): Candidate[] => [...new Map(list.map((c) => [c.descriptor.digest, c])).values()];
  pool = distinct(pool);
  if (pool.length === 1) return pool[0];
  const wanted = selection.platform ?? 'linux/amd64';
  const onPlatform = pool.filter((candidate) => {
    const name = platformName(candidate.platform);
    return name === wanted || name.startsWith(`${wanted}/`);
  });
  if (onPlatform.length === 1) return onPlatform[0];
  const listing = pool.map((candidate) => `${platformName(candidate.platform)} ${candidate.descriptor.digest}`).join(', ');
  throw new ImageError(`several images in the layout, choose one by reference or platform: ${listing}`, { file });
}

/** Reads the chosen image of an OCI layout held in `store`. */
export async function readOciImage(store: MemberStore, format: ImageFormat, selection: ImageSelection = {}): Promise<OpenedImage> {
  if (store.size('index.json') === undefined) throw new ImageError('not an OCI layout: no index.json', { file: store.file });
  const index = parseJson(await store.read('index.json'), store.file, 'index.json');
  const chosen = pickCandidate(await collectCandidates(store, index, 0, []), selection, store.file);
  const manifest = parseJson(await readVerifiedBlob(store, chosen.descriptor, 'manifest'), store.file, 'manifest');
  if (!isRecord(manifest) || !isRecord(manifest.config)) throw new ImageError('manifest has no config descriptor', { file: store.file });
  const configDescriptor = manifest.config as unknown as Descriptor;
  const config = parseImageConfig(await readVerifiedBlob(store, configDescriptor, 'config'), store.file);
  const layerDescriptors = descriptors(manifest.layers ?? [], 'manifest layers', store.file);
  if (config.diffIds.length !== layerDescriptors.length) {
    throw new ImageError(`manifest lists ${layerDescriptors.length} layers but the config has ${config.diffIds.length} diff ids`, { file: store.file });
  }
  const layers = layerDescriptors.map((descriptor, i): LayerSource => {
    const path = blobPath(descriptor.digest, store.file);
    const size = store.size(path);
    if (size === undefined) throw new ImageError(`manifest names layer ${descriptor.digest}, which is missing (no ${path})`, { file: store.file });
    const layer: LayerSource = {
      name: path,
      digest: descriptor.digest,
      diffId: config.diffIds[i],
      size,
      open: (range) => store.open(path, range),
    };
    if (descriptor.mediaType) layer.mediaType = descriptor.mediaType;
    const location = store.locate(path);
    if (location) layer.location = location;
    return layer;
  });
  return { format, file: store.file, config, layers };
}

/** `oci-layout` must exist and say version 1.x (image-layout.md); anything else is not a layout we know. */
export async function checkLayoutMarker(store: MemberStore): Promise<void> {
  if (store.size('oci-layout') === undefined) throw new ImageError('not an OCI layout: no oci-layout file', { file: store.file });
  const marker = parseJson(await store.read('oci-layout'), store.file, 'oci-layout');
  const version = isRecord(marker) ? marker.imageLayoutVersion : undefined;
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw new ImageError(`unsupported OCI layout version ${JSON.stringify(version)}`, { file: store.file });
  }
}

/** An OCI image layout directory. */
export class OciLayoutSource implements ImageSource {
  readonly format = 'oci-layout' as const;

  constructor(
    private readonly directory: string,
    private readonly selection: ImageSelection = {},
  ) {}

  async open(): Promise<OpenedImage> {
    const store = new DirectoryMembers(this.directory);
    await checkLayoutMarker(store);
    return readOciImage(store, this.format, this.selection);
  }
}
