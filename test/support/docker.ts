/**
 * A thin, typed driver for the real Docker Engine, for end-to-end tests.
 *
 * Everything goes through the `docker` client binary rather than the Engine API socket, because that is what
 * users run and what `test/e2e/engine.sh` installs. The client is `/usr/bin/docker` by full path: a
 * `/usr/local/bin/docker` earlier on PATH may be a client without buildx, and `DOCKER_BUILDKIT=1` with such a
 * client fails (Docker 20.10 needs the buildx plugin or its built-in BuildKit support in the same client).
 */
import { execFile, execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { ENGINE_SETUP, describeGated, type Missing } from './gate';
import { hostToolsMissing } from './host-tools';

/** The Docker client binary; `SCRATCHIFY_DOCKER` overrides it for machines that keep it elsewhere. */
export const DOCKER_CLIENT = process.env.SCRATCHIFY_DOCKER ?? '/usr/bin/docker';

/** Environment for every client call: BuildKit on, so multi-stage builds skip unused stages like users see. */
const DOCKER_ENV: NodeJS.ProcessEnv = { ...process.env, DOCKER_BUILDKIT: '1' };

/** The base images every sample builds on; test/e2e/engine.sh makes them offline, since no registry is reachable. */
export const BASE_IMAGES = ['debian:bookworm', 'debian:bookworm-slim'] as const;

/** What the engine check found: either a working engine (with its version) or why it is not usable. */
export type EngineStatus = { available: true; serverVersion: string } | { available: false; reason: string };

let cachedStatus: EngineStatus | undefined;

/**
 * Whether a Docker Engine answers through {@link DOCKER_CLIENT} and has the {@link BASE_IMAGES}. Without them a
 * build would try to pull them from a registry for minutes before failing, so their absence counts as no engine.
 * Synchronous on purpose: jest decides at collection time whether a suite runs, before any async hook. The answer
 * is cached for the process.
 */
export function engineStatus(): EngineStatus {
  cachedStatus ??= checkEngine();
  return cachedStatus;
}

/** {@link engineStatus} of the engine behind `client`, uncached. */
export function checkEngine(client: string = DOCKER_CLIENT): EngineStatus {
  const call = (args: string[]): string =>
    execFileSync(client, args, { env: DOCKER_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  const why = (error: unknown): string => (error as { stderr?: Buffer | string }).stderr?.toString().trim() || (error as Error).message;
  let serverVersion: string;
  try {
    serverVersion = call(['info', '--format', '{{.ServerVersion}}']).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { available: false, reason: `no Docker client at ${client}` };
    return { available: false, reason: `no Docker Engine answers through ${client} (${why(error)})` };
  }
  if (!serverVersion) return { available: false, reason: `${client} info reported no server version` };
  const missing = BASE_IMAGES.filter((image) => {
    try {
      call(['image', 'inspect', '--format', '{{.Id}}', image]);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    return { available: false, reason: `the Docker Engine ${serverVersion} lacks the offline base image${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
  }
  return { available: true, serverVersion };
}

/** Options for {@link describeWithDocker}. */
export interface DockerSuiteOptions {
  /** Host tools the suite runs besides the engine (buildah, skopeo…), as for `describeWithHostTools`. */
  hostTools?: readonly string[];
}

/**
 * `describe` for suites that need the real engine with the base images (and `options.hostTools`): runs when they
 * are there; otherwise fails under `CI=true` and is skipped with a notice elsewhere (test/support/gate.ts).
 */
export function describeWithDocker(name: string, fn: () => void, options: DockerSuiteOptions = {}): void {
  const status = engineStatus();
  const missing: Missing | undefined = status.available
    ? hostToolsMissing(options.hostTools ?? [])
    : { reason: status.reason, remedy: ENGINE_SETUP };
  describeGated('e2e', missing, name, fn);
}

/** The outcome of one client call. */
export interface DockerCommandResult {
  /** Process exit code; `null` when the call was killed (timeout). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the call was killed for exceeding its timeout. */
  timedOut: boolean;
  durationMs: number;
}

/** Options for {@link docker}. */
export interface DockerCommandOptions {
  /** Kill the client after this long; default 60 s. */
  timeoutMs?: number;
}

/** Run the Docker client with `args` and collect its output; never rejects on a non-zero exit. */
export function docker(args: readonly string[], options: DockerCommandOptions = {}): Promise<DockerCommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      DOCKER_CLIENT,
      args as string[],
      { env: DOCKER_ENV, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        const exitCode = failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null;
        resolve({
          exitCode,
          stdout,
          stderr: failure && typeof failure.code === 'string' ? `${failure.message}\n${stderr}` : stderr,
          timedOut: Boolean(failure?.killed),
          durationMs: Date.now() - started,
        });
      },
    );
  });
}

/** Run the Docker client and reject with its stderr unless it exits 0. */
export async function dockerOrThrow(args: readonly string[], options: DockerCommandOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs ?? 60_000} ms` : `exit ${result.exitCode}`;
    throw new Error(`docker ${args.join(' ')} failed (${why}):\n${tail(result.stderr || result.stdout, 60)}`);
  }
  return result.stdout;
}

/** Options for {@link buildImage}. */
export interface BuildOptions {
  /** `--build-arg` values. */
  buildArgs?: Record<string, string>;
  /** Build only up to this stage (`--target`). */
  target?: string;
  /** Dockerfile path, relative to the context unless absolute; default `<context>/Dockerfile`. */
  dockerfile?: string;
  /** Default 15 min: a cold build downloads Debian packages. */
  timeoutMs?: number;
}

/** A successfully built image. */
export interface BuiltImage {
  tag: string;
  /** Image ID (`sha256:…`). */
  id: string;
  /** Uncompressed size as the engine reports it. */
  sizeBytes: number;
  durationMs: number;
}

/** Build `context` with BuildKit and tag it `tag`; rejects with the build log's tail on failure. */
export async function buildImage(context: string, tag: string, options: BuildOptions = {}): Promise<BuiltImage> {
  const args = ['build', '--progress=plain', '--tag', tag];
  for (const [name, value] of Object.entries(options.buildArgs ?? {})) args.push('--build-arg', `${name}=${value}`);
  if (options.target) args.push('--target', options.target);
  if (options.dockerfile) args.push('--file', options.dockerfile);
  args.push(context);
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const result = await docker(args, { timeoutMs });
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.exitCode}`;
    // BuildKit's plain progress goes to stderr; its tail holds the failing step.
    throw new Error(`docker build of ${context} as ${tag} failed (${why}):\n${tail(result.stderr, 60)}`);
  }
  const inspected = await inspectImage(tag);
  return { tag, id: inspected.id, sizeBytes: inspected.sizeBytes, durationMs: result.durationMs };
}

/** One image for {@link startBuilds} to build. */
export interface BuildRequest extends BuildOptions {
  context: string;
  tag: string;
}

/**
 * Start building every request at once, at most `concurrency` at a time, in the order given (put the slowest
 * first). Builds of unrelated images overlap well even on 2 cores, since much of a cold build waits on
 * package downloads and dpkg. Returns one promise per tag; each is already guarded against unhandled
 * rejection, so a test that never awaits its build (filtered out with -t) does not crash the run.
 */
export function startBuilds(requests: readonly BuildRequest[], concurrency = 2): Map<string, Promise<BuiltImage>> {
  const results = new Map<string, Promise<BuiltImage>>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  for (const { context, tag, ...options } of requests) {
    const build = (async () => {
      await slot();
      try {
        return await buildImage(context, tag, options);
      } finally {
        release();
      }
    })();
    build.catch(() => undefined);
    results.set(tag, build);
  }
  return results;
}

/** The parts of `docker image inspect` the tests use. */
export interface ImageFacts {
  id: string;
  sizeBytes: number;
}

/** Look up an image's ID and size. */
export async function inspectImage(image: string): Promise<ImageFacts> {
  const out = await dockerOrThrow(['image', 'inspect', '--format', '{{.Id}} {{.Size}}', image]);
  const [id, size] = out.trim().split(' ');
  return { id, sizeBytes: Number(size) };
}

/** Options for {@link runContainer} and {@link startContainer}. */
export interface RunOptions {
  /** Replaces the image's CMD (the ENTRYPOINT stays, as with `docker run IMAGE ARGS…`). */
  args?: readonly string[];
  /** Replaces the image's ENTRYPOINT; `[]` clears it. The first element is the program. */
  entrypoint?: readonly string[];
  env?: Record<string, string>;
  user?: string;
  /** `--network` value; default `none`, so a container under test can reach nothing. */
  network?: string;
  /** Container name; default a unique `scratchify-e2e-…` one. */
  name?: string;
  /** Default 60 s. */
  timeoutMs?: number;
}

/** A finished `docker run`. */
export interface RunResult extends DockerCommandResult {
  name: string;
}

/** Prefix of every container and image these helpers name, so leftovers are easy to spot. */
export const E2E_PREFIX = 'scratchify-e2e';

/** A fresh name for a container or tag, unique across parallel jest workers. */
/**
 * Part of every fixed image name a suite uses, unique to this process: test runs of several clones share one
 * engine (engine.sh), and one run's cleanup must never remove the images another run is using.
 */
export const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`;

export function uniqueName(label = 'c'): string {
  return `${E2E_PREFIX}-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function runArgs(image: string, options: RunOptions, name: string): string[] {
  const args = ['--name', name, '--network', options.network ?? 'none'];
  for (const [key, value] of Object.entries(options.env ?? {})) args.push('--env', `${key}=${value}`);
  if (options.user !== undefined) args.push('--user', options.user);
  let rest = options.args ?? [];
  if (options.entrypoint !== undefined) {
    // `--entrypoint` takes one word; further words of the new entrypoint go before the CMD arguments.
    const [program = '', ...programArgs] = options.entrypoint;
    args.push('--entrypoint', program);
    rest = [...programArgs, ...rest];
  }
  return [...args, image, ...rest];
}

/** Run a container to completion and return its output; the container is removed afterwards. */
export async function runContainer(image: string, options: RunOptions = {}): Promise<RunResult> {
  const name = options.name ?? uniqueName('run');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const result = await docker(['run', '--rm', ...runArgs(image, options, name)], { timeoutMs });
  if (result.timedOut) await removeContainer(name);
  // The client reports its own failures (no such image, bad flags) with exit codes 125 and up.
  if (result.exitCode !== null && result.exitCode >= 125 && /^docker: /m.test(result.stderr)) {
    throw new Error(`docker run ${image} could not start the container: ${tail(result.stderr, 20)}`);
  }
  return { ...result, name };
}

/** Start a long-running container in the background and return its name. */
export async function startContainer(image: string, options: RunOptions = {}): Promise<string> {
  const name = options.name ?? uniqueName('srv');
  await dockerOrThrow(['run', '--detach', ...runArgs(image, options, name)], { timeoutMs: options.timeoutMs });
  return name;
}

/** Whether a container is still running. */
export async function isRunning(container: string): Promise<boolean> {
  const result = await docker(['container', 'inspect', '--format', '{{.State.Running}}', container]);
  return result.exitCode === 0 && result.stdout.trim() === 'true';
}

/** A container's stdout and stderr so far, for failure messages. */
export async function containerLogs(container: string): Promise<string> {
  const result = await docker(['logs', '--tail', '40', container]);
  return `${result.stdout}${result.stderr}`;
}

/** `docker save` an image into a tar file (the docker-archive format). */
export async function saveImage(image: string, file: string): Promise<void> {
  await dockerOrThrow(['save', '--output', file, image], { timeoutMs: 5 * 60_000 });
}

/** Remove a container, running or not; a missing one is fine. */
export async function removeContainer(container: string): Promise<void> {
  await docker(['rm', '--force', '--volumes', container]);
}

/** Remove an image tag; a missing one is fine. Layers shared with other images or the build cache stay. */
export async function removeImage(image: string): Promise<void> {
  await docker(['image', 'rm', '--force', image]);
}

/**
 * Remembers what a suite created so one `afterAll(() => resources.cleanup())` removes it all, containers
 * first (an image in use by a container cannot be removed).
 */
export class DockerResources {
  private readonly containers = new Set<string>();
  private readonly images = new Set<string>();

  /** Track a container name and return it. */
  container(name: string): string {
    this.containers.add(name);
    return name;
  }

  /** Track an image tag and return it. */
  image(tag: string): string {
    this.images.add(tag);
    return tag;
  }

  async cleanup(): Promise<void> {
    for (const name of this.containers) await removeContainer(name);
    this.containers.clear();
    for (const tag of this.images) await removeImage(tag);
    this.images.clear();
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
