/**
 * The local container engine as an image source: build a Dockerfile target or save an existing image into
 * an archive that the archive adapters read. Docker first, then podman, then buildah.
 *
 * A Docker client of version 23 or later builds with BuildKit only through the buildx plugin; Debian's 20.10
 * client has BuildKit built in. A client without either still builds with the legacy builder.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ScratchifyError } from '../errors';

export interface BuildRequest {
  context: string;
  dockerfile: string;
  target?: string;
  buildArgs: Record<string, string>;
  tag: string;
}

export interface Engine {
  name: 'docker' | 'podman' | 'buildah';
  /** The client binary. */
  command: string;
  /** How Docker builds: with BuildKit, or the legacy builder when the client cannot use BuildKit. */
  builder?: 'buildkit' | 'legacy';
  build(request: BuildRequest, onOutput?: (line: string) => void): Promise<void>;
  /** Writes the image to a `docker save` archive. */
  save(reference: string, file: string): Promise<void>;
  remove(reference: string): Promise<void>;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, onOutput?: (line: string) => void): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (onOutput) for (const line of chunk.toString().split('\n')) if (line.trim() !== '') onOutput(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (onOutput) for (const line of chunk.toString().split('\n')) if (line.trim() !== '') onOutput(line);
    });
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

async function checked(command: string, args: string[], what: string, env?: NodeJS.ProcessEnv, onOutput?: (line: string) => void): Promise<RunResult> {
  const result = await run(command, args, env, onOutput);
  if (result.code !== 0) {
    // The engine's own last lines say what went wrong; keep them, but on one line per message.
    const detail = tail(result.stderr || result.stdout).replace(/\s*\n\s*/g, ' | ');
    throw new ScratchifyError('engine', `${what} failed (${command} exit ${result.code}): ${detail}`);
  }
  return result;
}

/** Every executable named `name` on PATH, in PATH order, without duplicates. */
function onPath(name: string): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate) && !found.includes(candidate)) found.push(candidate);
  }
  return found;
}

/** `build -f … -t … --build-arg … [--target …] CONTEXT`, which docker, podman and buildah all accept. */
function buildCommand(request: BuildRequest): string[] {
  const args = ['build', '-f', request.dockerfile, '-t', request.tag];
  for (const [key, value] of Object.entries(request.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (request.target) args.push('--target', request.target);
  return [...args, request.context];
}

async function dockerEngine(command: string): Promise<Engine | undefined> {
  if ((await run(command, ['info', '--format', '{{.ServerVersion}}'])).code !== 0) return undefined;
  const version = (await run(command, ['version', '--format', '{{.Client.Version}}'])).stdout.trim();
  const major = Number(version.split('.')[0]);
  const hasBuildx = (await run(command, ['buildx', 'version'])).code === 0;
  const builder: 'buildkit' | 'legacy' = hasBuildx || (major > 0 && major < 23) ? 'buildkit' : 'legacy';
  const env = { ...process.env, DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' };
  return {
    name: 'docker',
    command,
    builder,
    async build(request, onOutput) {
      await checked(command, buildCommand(request), 'docker build', env, onOutput);
    },
    async save(reference, file) {
      await checked(command, ['save', '-o', file, reference], `docker save ${reference}`);
    },
    async remove(reference) {
      await run(command, ['rmi', reference]);
    },
  };
}

/** podman and buildah: the same `build` flags as Docker, their own way to write a `docker save` archive. */
function daemonlessEngine(name: 'podman' | 'buildah', command: string, saveArgs: (reference: string, file: string) => string[]): Engine {
  return {
    name,
    command,
    async build(request, onOutput) {
      await checked(command, buildCommand(request), `${name} build`, process.env, onOutput);
    },
    async save(reference, file) {
      await checked(command, saveArgs(reference, file), `${name} save ${reference}`);
    },
    async remove(reference) {
      await run(command, ['rmi', reference]);
    },
  };
}

async function podmanEngine(command: string): Promise<Engine | undefined> {
  if ((await run(command, ['info'])).code !== 0) return undefined;
  return daemonlessEngine('podman', command, (reference, file) => ['save', '--format', 'docker-archive', '-o', file, reference]);
}

async function buildahEngine(command: string): Promise<Engine | undefined> {
  if ((await run(command, ['version'])).code !== 0) return undefined;
  return daemonlessEngine('buildah', command, (reference, file) => ['push', reference, `docker-archive:${file}:${reference}`]);
}

/**
 * The first engine that answers: `SCRATCHIFY_DOCKER` if set, each `docker` on PATH (preferring one that can
 * build with BuildKit), then podman, then buildah. `SCRATCHIFY_ENGINE=docker|podman|buildah` looks for that one
 * only, and `SCRATCHIFY_ENGINE=none` finds none (as on a machine without an engine).
 */
export async function findEngine(): Promise<Engine | undefined> {
  const only = process.env.SCRATCHIFY_ENGINE || undefined;
  if (only !== undefined && !['docker', 'podman', 'buildah', 'none'].includes(only)) {
    throw new ScratchifyError('engine', `SCRATCHIFY_ENGINE=${only}: expected docker, podman, buildah or none`);
  }
  const wanted = (name: Engine['name']): boolean => only === undefined || only === name;
  const dockers = [...(process.env.SCRATCHIFY_DOCKER ? [process.env.SCRATCHIFY_DOCKER] : []), ...onPath('docker'), '/usr/bin/docker'];
  let legacy: Engine | undefined;
  for (const command of [...new Set(dockers)]) {
    if (!wanted('docker') || !existsSync(command)) continue;
    const engine = await dockerEngine(command);
    if (engine?.builder === 'buildkit') return engine;
    legacy ??= engine;
  }
  if (legacy) return legacy;
  for (const command of wanted('podman') ? onPath('podman') : []) {
    const engine = await podmanEngine(command);
    if (engine) return engine;
  }
  for (const command of wanted('buildah') ? onPath('buildah') : []) {
    const engine = await buildahEngine(command);
    if (engine) return engine;
  }
  return undefined;
}
