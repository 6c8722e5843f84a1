/**
 * The slim image's config blob: the original image's runtime config carried over whole from the config JSON
 * as it was read (`ImageConfig.raw`), so fields scratchify does not model (ArgsEscaped, OnBuild, Shell,
 * `os.version`…) survive; the parts that describe the original build are replaced.
 */
import type { ImageConfig } from '../image/source';
import { VERSION } from '../version';
import { canonicalJson } from './archive-canonical-json';

/**
 * Top-level fields that describe what the image *is* and are kept. Everything else (`created`, `history`,
 * `rootfs` are rewritten; Docker's legacy `container`, `container_config`, `docker_version`, `parent`, `id`)
 * describes the build that made the fat image and would be wrong for the slim one.
 */
const KEPT_TOP_LEVEL = ['architecture', 'os', 'os.version', 'os.features', 'variant', 'author', 'config'] as const;

/** RFC 3339 UTC without fractional seconds, the form Go's time.Time marshals a whole second to. */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** The config JSON (canonical bytes) of an image made of the one layer `diffId`, created at `epochSeconds`. */
export function slimImageConfig(config: ImageConfig, diffId: string, epochSeconds: number): Buffer {
  const raw = config.raw;
  const result: Record<string, unknown> = {};
  for (const key of KEPT_TOP_LEVEL) if (raw[key] !== undefined && raw[key] !== null) result[key] = raw[key];
  // A root-filesystem source has no config JSON: the typed defaults stand in for the required fields.
  result.architecture ??= config.architecture;
  result.os ??= config.os;
  if (config.variant !== undefined) result.variant ??= config.variant;
  result.config ??= {};
  const created = rfc3339(epochSeconds);
  result.created = created;
  result.rootfs = { type: 'layers', diff_ids: [diffId] };
  result.history = [{ created, created_by: `scratchify ${VERSION}`, comment: 'the files the final stage needs at run time' }];
  return canonicalJson(result);
}
