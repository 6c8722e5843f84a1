/**
 * Running containers with the local engine's client (docker, or podman, which takes the same flags): what
 * `verify` and `--trace` need beyond building and saving images (src/image/engine.ts does those). Everything
 * goes through the client binary with an argument vector, never a shell; no value from a probe or an image
 * becomes a flag, because every value is passed after its flag as one argument, and the image and its
 * arguments come last.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ScratchifyError } from '../errors';
import type { Engine } from '../image/engine';
import { BLOCK, headerChecksum, headerProblem, padded, tarNumber } from '../image/tar-header';

/** A bind mount of a host path; paths holding `,` are refused (the engine's `--mount` syntax splits on it). */
export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** How to start one container. */
export interface ContainerSpec {
  image: string;
  name: string;
  /** `--network` value: `host`, `none` or a network's name. */
  network: string;
  /** Replaces the image's ENTRYPOINT; the first word is the program. */
  entrypoint?: string[];
  /** Replaces the image's CMD (after a replaced entrypoint's own arguments). */
  args?: string[];
  env?: Record<string, string>;
  user?: string;
  workdir?: string;
  mounts?: Mount[];
  capAdd?: string[];
  /** Keep standard input open (`--interactive`) to write to it. */
  interactive?: boolean;
}

/** The end of one client call. */
export interface ClientResult {
  /** `null` when the call was killed at its time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ClientOptions {
  /** Written to the client's standard input, which is then closed. */
  stdin?: string;
  /** Default 60 s; the client is killed after it. */
  timeoutMs?: number;
}

/** Output beyond this is dropped (and said so): a container's output is untrusted and must not fill memory. */
export const MAX_CAPTURED_BYTES = 8 * 1024 * 1024;

/** A fresh name for something this run creates, so leftovers are easy to recognise. */
export function resourceName(purpose: string): string {
  return `scratchify-${purpose}-${randomBytes(5).toString('hex')}`;
}

function capture(): { push(chunk: Buffer): void; text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  return {
    push(chunk) {
      const room = MAX_CAPTURED_BYTES - size;
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size += Math.min(room > 0 ? room : 0, chunk.length);
      dropped += Math.max(0, chunk.length - Math.max(room, 0));
    },
    text() {
      const text = Buffer.concat(chunks).toString('utf8');
      return dropped > 0 ? `${text}\n… (${dropped} more bytes not kept)` : text;
    },
  };
}

/** The flags of `run`/`create` for a spec, image and arguments last. */
export function runFlags(spec: ContainerSpec): string[] {
  const flags = ['--name', spec.name, '--network', spec.network, '--pull', 'never'];
  for (const [key, value] of Object.entries(spec.env ?? {})) flags.push('--env', `${key}=${value}`);
  if (spec.user !== undefined) flags.push('--user', spec.user);
  if (spec.workdir !== undefined) flags.push('--workdir', spec.workdir);
  for (const mount of spec.mounts ?? []) {
    for (const path of [mount.source, mount.target]) {
      if (/[,\n"]/.test(path)) throw new ScratchifyError('engine', `cannot mount ${JSON.stringify(path)}: the engine's --mount syntax cannot carry a path with a comma, quote or line break`);
    }
    flags.push('--mount', `type=bind,source=${mount.source},target=${mount.target}${mount.readOnly ? ',readonly' : ''}`);
  }
  for (const capability of spec.capAdd ?? []) flags.push('--cap-add', capability);
  if (spec.interactive) flags.push('--interactive');
  let rest = spec.args ?? [];
  if (spec.entrypoint !== undefined) {
    // `--entrypoint` takes one word; the rest of a replaced entrypoint goes in front of the arguments.
    const [program = '', ...programArgs] = spec.entrypoint;
    flags.push('--entrypoint', program);
    rest = [...programArgs, ...(spec.args ?? [])];
  }
  return [...flags, '--', spec.image, ...rest];
}

/** The container engine's client, for running containers. */
export class ContainerRuntime {
  constructor(
    readonly name: 'docker' | 'podman',
    readonly command: string,
  ) {}

  /** One client call; never rejects on a non-zero exit. */
  client(args: readonly string[], options: ClientOptions = {}): Promise<ClientResult> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve) => {
      // The environment is passed on explicitly: what the engine client reads from it (DOCKER_HOST,
      // CONTAINERS_CONF) is the caller's to set, also where `process.env` is not the process's own (test sandboxes).
      const child = spawn(this.command, args as string[], { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout = capture();
      const stderr = capture();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve({ code: 127, stdout: stdout.text(), stderr: `${stderr.text()}${error.message}`, timedOut });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: timedOut ? null : (code ?? 1), stdout: stdout.text(), stderr: stderr.text(), timedOut });
      });
    });
  }

  /** A client call that must succeed; the engine's last line of complaint becomes the error. */
  async checked(args: readonly string[], what: string, options: ClientOptions = {}): Promise<string> {
    const result = await this.client(args, options);
    if (result.code !== 0) {
      const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
      throw new ScratchifyError('engine', `${what} failed (${this.name} ${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${detail}`);
    }
    return result.stdout;
  }

  /** Runs a container to completion in the foreground (standard input from `options.stdin`). */
  run(spec: ContainerSpec, options: ClientOptions = {}): Promise<ClientResult> {
    return this.client(['run', ...runFlags(spec)], options);
  }

  /** Starts a long-running container in the background. */
  async start(spec: ContainerSpec): Promise<void> {
    await this.checked(['run', '--detach', ...runFlags(spec)], `starting ${spec.image}`);
  }

  /** Runs a command inside a running container. */
  exec(container: string, command: readonly string[], options: ClientOptions = {}): Promise<ClientResult> {
    return this.client(['exec', container, ...command], options);
  }

  /** Whether the container runs, and its exit code once it stopped. */
  async state(container: string): Promise<{ running: boolean; exitCode?: number }> {
    const result = await this.client(['container', 'inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', container]);
    const [running, exitCode] = result.stdout.trim().split(' ');
    if (result.code !== 0) return { running: false };
    return running === 'true' ? { running: true } : { running: false, exitCode: Number(exitCode) };
  }

  /** A container's output so far (both streams), for messages and readiness. */
  async logs(container: string): Promise<string> {
    const result = await this.client(['logs', container]);
    return `${result.stdout}${result.stderr}`;
  }

  /** The container's IPv4 address on `network`. */
  async address(container: string, network: string): Promise<string | undefined> {
    const result = await this.client(['container', 'inspect', '--format', '{{json .NetworkSettings.Networks}}', container]);
    if (result.code !== 0) return undefined;
    try {
      const networks = JSON.parse(result.stdout) as Record<string, { IPAddress?: string }>;
      const address = networks[network]?.IPAddress;
      return address ? address : undefined;
    } catch {
      return undefined;
    }
  }

  /** Sends a signal to a container's first process and waits up to `timeoutMs` for it to stop. */
  async stop(container: string, signal: string, timeoutMs: number): Promise<void> {
    await this.client(['kill', '--signal', signal, container]);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await this.state(container)).running) await sleep(100);
  }

  async remove(container: string): Promise<void> {
    await this.client(['rm', '--force', '--volumes', container]);
  }

  /**
   * A network for one run. Docker's `--internal` networks have no route out, and this host keeps an address
   * on them; podman's internal networks (CNI and netavark alike) leave the host without one, so with podman
   * the network is a plain bridge.
   */
  async createNetwork(name: string): Promise<void> {
    const internal = this.name === 'docker' ? ['--internal'] : [];
    await this.checked(['network', 'create', ...internal, name], `creating network ${name}`);
  }

  async removeNetwork(name: string): Promise<void> {
    await this.client(['network', 'rm', name]);
  }

  /** The gateway addresses of a network, as its inspect JSON states them (docker and podman name them alike). */
  async networkGateways(name: string): Promise<string[]> {
    const text = await this.checked(['network', 'inspect', name], `inspecting network ${name}`);
    const gateways: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, child] of Object.entries(value)) {
          if (/^gateway$/i.test(key) && typeof child === 'string' && child !== '') gateways.push(child.replace(/\/\d+$/, ''));
          else walk(child);
        }
      }
    };
    walk(JSON.parse(text));
    return gateways;
  }

  /** `image inspect` of one image, as the engine prints it; undefined when the engine has no such image. */
  async inspectImage(reference: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.client(['image', 'inspect', reference]);
    if (result.code !== 0) return undefined;
    const parsed = JSON.parse(result.stdout) as unknown;
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
  }

  /** Every `repository:tag` the engine has, with its image ID (hex, no algorithm prefix). */
  async tags(): Promise<Map<string, string>> {
    const text = await this.checked(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'], 'listing images');
    const tags = new Map<string, string>();
    for (const line of text.split('\n')) {
      const [id, ref] = line.trim().split(' ');
      if (id && ref && !ref.includes('<none>')) tags.set(ref, id.replace(/^sha256:/, ''));
    }
    return tags;
  }

  /** Every image ID the engine has, tagged or not (hex, no algorithm prefix). */
  async imageIds(): Promise<Set<string>> {
    const text = await this.checked(['images', '--all', '--no-trunc', '--quiet'], 'listing images');
    return new Set(text.split('\n').map((line) => line.trim().replace(/^sha256:/, '')).filter(Boolean));
  }

  /** Loads a `docker save` archive; returns what the client says it loaded (references or IDs). */
  async load(archive: string): Promise<string[]> {
    const args = ['load', '--input', archive];
    const options = { timeoutMs: 15 * 60_000 };
    let text: string;
    try {
      text = await this.checked(args, `loading ${archive}`, options);
    } catch (error) {
      // containers/storage (podman, buildah) can report "layer not known" when another client changed the
      // shared store during the load; the same load succeeds once the store is consistent again.
      if (!(error instanceof ScratchifyError) || !/layer not known/.test(error.message)) throw error;
      text = await this.checked(args, `loading ${archive}`, options);
    }
    const loaded: string[] = [];
    for (const line of text.split('\n')) {
      const match = /^Loaded image(?: ID)?(?:\(s\))?: (.+)$/.exec(line.trim());
      if (match) loaded.push(...match[1].split(',').map((ref) => ref.trim()).filter(Boolean));
    }
    return loaded;
  }

  async tag(source: string, target: string): Promise<void> {
    await this.checked(['tag', source, target], `tagging ${target}`);
  }

  async removeImage(reference: string): Promise<void> {
    await this.client(['image', 'rm', reference]);
  }

  /**
   * Reads one file of an image without running anything in it: a container is created (never started), the
   * file copied out as a tar stream, and the container removed. Undefined when the path is not a regular file
   * there or is larger than `maxBytes`.
   */
  async readImageFile(image: string, path: string, maxBytes = 1024 * 1024): Promise<Buffer | undefined> {
    const name = resourceName('read');
    const created = await this.client(['create', '--name', name, '--pull', 'never', '--entrypoint', '/', '--', image]);
    if (created.code !== 0) return undefined;
    try {
      const copied = await this.copyOut(name, path);
      return copied && copied.length <= maxBytes ? copied : undefined;
    } finally {
      await this.remove(name);
    }
  }

  /** `cp CONTAINER:PATH -`: a tar with the one entry; its content when that entry is a regular file. */
  private copyOut(container: string, path: string): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const child = spawn(this.command, ['cp', `${container}:${path}`, '-'], { env: process.env, stdio: ['ignore', 'pipe', 'ignore'] });
      const chunks: Buffer[] = [];
      let size = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 4 * MAX_CAPTURED_BYTES) chunks.push(chunk);
        else child.kill('SIGKILL');
      });
      child.on('error', () => resolve(undefined));
      child.on('close', (code) => resolve(code === 0 ? firstTarFile(Buffer.concat(chunks)) : undefined));
    });
  }
}

/**
 * The content of the first file of a tar (what `cp … -` writes for one path) when it is a regular file; PAX and
 * GNU long-name records before it are skipped. Headers are decoded with the image reader's tar code.
 */
export function firstTarFile(tar: Buffer): Buffer | undefined {
  let at = 0;
  while (at + BLOCK <= tar.length) {
    if (headerProblem(tar, at, headerChecksum(tar, at, undefined)) !== undefined) return undefined;
    const type = tar[at + 156];
    const size = tarNumber(tar, at + 124, 12);
    const data = at + BLOCK;
    if (!Number.isSafeInteger(size) || size < 0 || data + size > tar.length) return undefined;
    // 'x' / 'g' (PAX) and 'L' / 'K' (GNU long names) describe the next member.
    if (type === 0x78 || type === 0x67 || type === 0x4c || type === 0x4b) {
      at = data + padded(size);
      continue;
    }
    return type === 0x30 || type === 0 ? tar.subarray(data, data + size) : undefined;
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The running side of an engine found by `findEngine`; buildah builds but cannot run a server. */
export function runtimeOf(engine: Engine | undefined | null): ContainerRuntime {
  if (!engine) {
    throw new ScratchifyError('engine', 'no container engine found: running checks needs docker or podman (SCRATCHIFY_ENGINE names one)');
  }
  if (engine.name === 'buildah') throw new ScratchifyError('engine', 'only buildah was found: it builds images but cannot run the checks; install docker or podman');
  return new ContainerRuntime(engine.name, engine.command);
}
