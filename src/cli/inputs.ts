/** Reading what the user names on the command line, with errors that say which argument was wrong. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
// The limit alone, not the parser: this module loads with every command, `--help` included.
import { MAX_DOCKERFILE_BYTES } from '../dockerfile/limits';
import { UsageError } from '../errors';
import type { ImageRequest } from '../slim';

export interface DockerfileInput {
  /** The name used in messages: the path as given, or `<stdin>`. */
  file: string;
  text: string;
}

/**
 * The text of a file descriptor, up to one byte past the parser's size limit: the parser then reports the
 * limit at the line that crosses it, and a huge file is never read whole.
 */
function readBounded(fd: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= MAX_DOCKERFILE_BYTES) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, MAX_DOCKERFILE_BYTES + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The Dockerfile at `path` (default `./Dockerfile`), or standard input for `-`. */
export function readDockerfile(path = 'Dockerfile'): DockerfileInput {
  if (path === '-') return { file: '<stdin>', text: readBounded(0) };
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`${path}: no such file (give the Dockerfile's path, or - for standard input)`);
  }
  if (!isFile) throw new UsageError(`${path}: not a file (give the Dockerfile's path, not its directory)`);
  const fd = openSync(path, 'r');
  try {
    return { file: path, text: readBounded(fd) };
  } finally {
    closeSync(fd);
  }
}

/** `--build-arg K=V` values; a bare `K` takes K from the environment, as `docker build` does. */
export function parseBuildArgs(values: string[], environment: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const args: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--build-arg ${value}: expected NAME=value`);
    if (eq !== -1) args[name] = value.slice(eq + 1);
    else if (environment[name] !== undefined) args[name] = environment[name] as string;
  }
  return args;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The image source flags shared by `slim` and `lint`. */
export interface ImageSourceOptions {
  imageArchive?: string;
  image?: string;
  build?: boolean;
}

/** At most one of `--image-archive`, `--image`, `--build`; none gives undefined. */
export function imageSource(options: ImageSourceOptions): Exclude<ImageRequest, { kind: 'auto' }> | undefined {
  const chosen = [options.imageArchive && '--image-archive', options.image && '--image', options.build && '--build'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one image source, not ${chosen.join(' and ')}`);
  if (options.imageArchive) return { kind: 'archive', path: options.imageArchive };
  if (options.image) return { kind: 'reference', reference: options.image };
  if (options.build) return { kind: 'build' };
  return undefined;
}
