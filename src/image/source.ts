/**
 * The one contract every image adapter fulfils (go-containerregistry's `v1.Image` idea, reduced to what the
 * analyzer needs): a config and the layers oldest first, each layer a way to re-open its bytes. The merged
 * file tree is derived from this by `flatten.ts`, so no adapter knows about whiteouts or symlinks.
 */
import type { Readable } from 'node:stream';

/** Docker's HEALTHCHECK as stored in the image config (moby `docker-image-spec` `HealthcheckConfig`). */
export interface HealthcheckConfig {
  /** `["NONE"]`, `["CMD", arg…]` or `["CMD-SHELL", command]`. */
  Test?: string[];
  /** Durations are int64 nanoseconds in the JSON. */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The parts of an image config (OCI `config.md` + Docker extensions) that the analyzer and emitter use. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  /** `KEY=VALUE` strings in image order. */
  Env: string[];
  WorkingDir?: string;
  User?: string;
  /** `"80/tcp"` style keys. */
  ExposedPorts: string[];
  Volumes: string[];
  Labels: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: HealthcheckConfig;
  Shell?: string[];
  OnBuild?: string[];
  /** sha256 of each uncompressed layer tar, oldest first (`rootfs.diff_ids`); empty when the source has none. */
  diffIds: string[];
  /** The config JSON exactly as parsed, for fields this type does not name. */
  raw: Record<string, unknown>;
}

/** Which adapter read an image. */
export type ImageFormat = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'rootfs';

/** A byte range of a host file: `size` bytes from `start`. */
export interface HostRange {
  file: string;
  start: number;
  size: number;
}

/** One layer's bytes as the source stores them (possibly compressed; compression is sniffed, never trusted). */
export interface LayerSource {
  /** Human-readable origin for error messages: `image.tar:blobs/sha256/ab…`. */
  name: string;
  /** Media type when the format states one; informational only. */
  mediaType?: string;
  /** Digest of the stored (possibly compressed) bytes, when the format names the blob by it. */
  digest?: string;
  /** Digest of the uncompressed tar (`rootfs.diff_ids[i]`), when the config gives it. */
  diffId?: string;
  /** Stored size in bytes. */
  size: number;
  /** Where the stored bytes lie in a host file, when they do; lets digests be checked on another thread. */
  location?: HostRange;
  /** A fresh stream of the stored bytes; `start`/`end` (inclusive, like fs.createReadStream) for a slice. */
  open(range?: { start: number; end: number }): Readable;
}

/** An image whose config and layer list have been read (layer contents not yet). */
export interface OpenedImage {
  format: ImageFormat;
  /** The path the image was opened from, for messages. */
  file: string;
  config: ImageConfig;
  /** Oldest first. Empty for a rootfs directory. */
  layers: LayerSource[];
  /** For a rootfs directory: the host directory that is the image's `/`. */
  rootDirectory?: string;
}

/** Anything that can produce an image: an archive, a layout directory, a root filesystem. */
export interface ImageSource {
  readonly format: ImageFormat;
  open(): Promise<OpenedImage>;
}

/** How to pick one image when an archive or layout holds several. */
export interface ImageSelection {
  /** A tag (`debian:bookworm-slim`) matched against RepoTags or the OCI `ref.name` annotations. */
  reference?: string;
  /** `os/architecture[/variant]`; default `linux/amd64` when several platforms are present. */
  platform?: string;
}
