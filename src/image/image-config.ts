/**
 * Reading an image config blob (OCI image-spec `config.md`, Docker's `docker-image-spec` extensions) into the
 * typed `ImageConfig`. Unknown fields are kept in `raw`; wrong types for known fields are errors, because the
 * analyzer would otherwise reason about an entrypoint that the engine would refuse to run.
 */
import { ImageError } from '../errors';
import type { HealthcheckConfig, ImageConfig } from './source';

/** The config of an image that has none (a plain root filesystem): every list empty, linux/amd64 assumed. */
export function emptyImageConfig(): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: [], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {} };
}

/** Parses JSON bytes, naming the file in the one-line error. */
export function parseJson(bytes: Buffer, file: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImageError(`${what} is not valid JSON (${(error as Error).message})`, { file });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, field: string, file: string): string[] | undefined {
  // Docker writes `null` for unset lists (e.g. "Entrypoint": null), which means the same as absent.
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new ImageError(`image config: ${field} must be a list of strings`, { file });
  }
  return value as string[];
}

function optionalString(value: unknown, field: string, file: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ImageError(`image config: ${field} must be a string`, { file });
  return value;
}

function mapKeys(value: unknown, field: string, file: string): string[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) throw new ImageError(`image config: ${field} must be an object`, { file });
  return Object.keys(value).sort();
}

function healthcheck(value: unknown, file: string): HealthcheckConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new ImageError('image config: Healthcheck must be an object', { file });
  const result: HealthcheckConfig = {};
  const test = stringList(value.Test, 'Healthcheck.Test', file);
  if (test) result.Test = test;
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const field = value[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'number') throw new ImageError(`image config: Healthcheck.${key} must be a number`, { file });
    result[key] = field;
  }
  return result;
}

/** Parses and checks a config blob. `file` names the archive or layout for messages. */
export function parseImageConfig(bytes: Buffer, file: string): ImageConfig {
  const raw = parseJson(bytes, file, 'image config');
  if (!isRecord(raw)) throw new ImageError('image config is not a JSON object', { file });
  const inner = raw.config ?? {};
  if (!isRecord(inner)) throw new ImageError('image config: "config" must be an object', { file });

  const rootfs = raw.rootfs;
  let diffIds: string[] = [];
  if (rootfs !== undefined) {
    // image-spec config.md: rootfs.type MUST be "layers"; implementations must error otherwise.
    if (!isRecord(rootfs) || rootfs.type !== 'layers') {
      throw new ImageError('image config: rootfs.type must be "layers"', { file });
    }
    diffIds = stringList(rootfs.diff_ids, 'rootfs.diff_ids', file) ?? [];
  }

  const labels: Record<string, string> = {};
  if (inner.Labels !== undefined && inner.Labels !== null) {
    if (!isRecord(inner.Labels)) throw new ImageError('image config: Labels must be an object', { file });
    for (const [key, value] of Object.entries(inner.Labels)) {
      if (typeof value !== 'string') throw new ImageError(`image config: label ${key} must be a string`, { file });
      labels[key] = value;
    }
  }

  const config: ImageConfig = {
    architecture: optionalString(raw.architecture, 'architecture', file) ?? 'amd64',
    os: optionalString(raw.os, 'os', file) ?? 'linux',
    Env: stringList(inner.Env, 'Env', file) ?? [],
    ExposedPorts: mapKeys(inner.ExposedPorts, 'ExposedPorts', file),
    Volumes: mapKeys(inner.Volumes, 'Volumes', file),
    Labels: labels,
    diffIds,
    raw,
  };
  const variant = optionalString(raw.variant, 'variant', file);
  if (variant) config.variant = variant;
  const entrypoint = stringList(inner.Entrypoint, 'Entrypoint', file);
  if (entrypoint) config.Entrypoint = entrypoint;
  const cmd = stringList(inner.Cmd, 'Cmd', file);
  if (cmd) config.Cmd = cmd;
  const workingDir = optionalString(inner.WorkingDir, 'WorkingDir', file);
  if (workingDir) config.WorkingDir = workingDir;
  const user = optionalString(inner.User, 'User', file);
  if (user) config.User = user;
  const stopSignal = optionalString(inner.StopSignal, 'StopSignal', file);
  if (stopSignal) config.StopSignal = stopSignal;
  const check = healthcheck(inner.Healthcheck, file);
  if (check) config.Healthcheck = check;
  const shell = stringList(inner.Shell, 'Shell', file);
  if (shell) config.Shell = shell;
  const onBuild = stringList(inner.OnBuild, 'OnBuild', file);
  if (onBuild) config.OnBuild = onBuild;
  return config;
}
