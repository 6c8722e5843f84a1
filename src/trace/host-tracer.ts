/**
 * The host's strace, made runnable inside a container of any image without putting anything into the image and
 * without privileges: the strace binary, its ELF interpreter and the libraries that interpreter resolves for it on
 * the host are bind-mounted read-only under {@link TRACER_DIRECTORY}, and the container's first process is that
 * interpreter running strace (`ld.so --library-path DIR strace …`), so strace never uses the image's libc, loader
 * or cache. The only privilege added is `--cap-add SYS_PTRACE`; the engine's default seccomp and AppArmor
 * profiles stay in force (both allow ptrace of a process's own children).
 *
 * The libraries come from the host loader's own answer (`ld.so --list strace`, which is what `ldd` prints), so
 * whatever the host's loader would load for strace is exactly what is mounted.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { parseElf } from '../analyze';
import { ScratchifyError } from '../errors';
import type { Mount } from '../probe';
import { TRACER_DIRECTORY } from './roots';

/** strace and what it needs to run, as host paths. */
export interface HostTracer {
  strace: string;
  /** The ELF interpreter strace names (glibc's ld-linux or musl's ld-musl). */
  loader: string;
  /** Shared libraries: the name strace asks for → the host file. */
  libraries: Array<{ name: string; path: string }>;
  /** e_machine of strace, to match the image's architecture. */
  machine: number;
  musl: boolean;
}

/** e_machine for the OCI architecture names the engines use. */
const MACHINES: Record<string, number> = { amd64: 62, '386': 3, arm64: 183, arm: 40, ppc64le: 21, s390x: 22, riscv64: 243 };

function executableOnPath(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const directory of pathVariable.split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `ld.so --list` output: `name => /path (0x…)` lines and the loader's own `/path (0x…)` line. */
export function parseLoaderList(text: string): Array<{ name: string; path: string }> {
  const libraries: Array<{ name: string; path: string }> = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+) => (\/\S+) \(0x[0-9a-f]+\)\s*$/.exec(line);
    // The loader lists itself under its PT_INTERP path when run by another path; it is mounted as ld.so.
    if (match && !match[1].includes('/')) libraries.push({ name: match[1], path: match[2] });
    else if (/=> not found/.test(line)) throw new ScratchifyError('engine', `the host's strace cannot run: ${line.trim()}`);
  }
  return libraries;
}

/**
 * Finds strace on the host (`SCRATCHIFY_STRACE`, else PATH) and what it needs. An error says how to install it
 * when it is missing.
 */
export async function findHostTracer(environment: NodeJS.ProcessEnv = process.env): Promise<HostTracer> {
  const given = environment.SCRATCHIFY_STRACE;
  const found = given ?? executableOnPath('strace', environment.PATH);
  if (!found) {
    throw new ScratchifyError('engine', "--trace runs this host's strace inside the container, and none is installed: install it with the package manager (apt-get install strace, dnf install strace, apk add strace)");
  }
  let strace: string;
  let content: Buffer;
  try {
    strace = realpathSync(found);
    content = readFileSync(strace);
  } catch (error) {
    throw new ScratchifyError('engine', `cannot read strace at ${found}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const elf = parseElf(content);
  if (!elf.ok) throw new ScratchifyError('engine', `${strace} is not an ELF program (${elf.message})`);
  const interpreter = elf.elf.interpreter;
  if (interpreter === undefined) {
    // A static strace needs nothing else.
    return { strace, loader: '', libraries: [], machine: elf.elf.machine, musl: false };
  }
  const loader = realpathSync(interpreter);
  const listed = await new Promise<string>((resolve, reject) => {
    execFile(loader, ['--list', strace], { encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new ScratchifyError('engine', `${loader} --list ${strace} failed: ${(stderr || error.message).trim().split('\n')[0]}`));
      else resolve(stdout);
    });
  });
  return { strace, loader, libraries: parseLoaderList(listed), machine: elf.elf.machine, musl: /ld-musl/.test(basename(loader)) };
}

/** Refuses an image the host's strace cannot run in. */
export function checkArchitecture(tracer: HostTracer, architecture: string): void {
  const wanted = MACHINES[architecture];
  if (wanted !== undefined && wanted !== tracer.machine) {
    throw new ScratchifyError('engine', `the image is ${architecture}, but this host's strace is for ELF machine ${tracer.machine}: trace on a host of the image's architecture`);
  }
}

/** Where the tracer writes its logs in the container. */
export const LOG_DIRECTORY = `${TRACER_DIRECTORY}/log`;

/** The read-only mounts that bring strace into a container, and the writable log directory. */
export function tracerMounts(tracer: HostTracer, hostLogDirectory: string): Mount[] {
  const mounts: Mount[] = [{ source: tracer.strace, target: `${TRACER_DIRECTORY}/strace`, readOnly: true }];
  if (tracer.loader !== '') mounts.push({ source: tracer.loader, target: `${TRACER_DIRECTORY}/ld.so`, readOnly: true });
  for (const library of tracer.libraries) {
    // A library the loader found under another name (a symlink) is mounted under the name strace asks for.
    if (!/^[\w.+-]+$/.test(library.name)) throw new ScratchifyError('engine', `unexpected library name from the host loader: ${JSON.stringify(library.name)}`);
    mounts.push({ source: realpathSync(library.path), target: `${TRACER_DIRECTORY}/lib/${library.name}`, readOnly: true });
  }
  mounts.push({ source: hostLogDirectory, target: LOG_DIRECTORY, readOnly: false });
  return mounts;
}

/**
 * The command line that runs `argv` under strace in the container, writing `log` (a path under
 * {@link LOG_DIRECTORY}). `-f` follows every child; `-y` prints the path behind each descriptor; `-qq` leaves out
 * attach and exit notices; `-I2` lets SIGTERM reach strace between system calls, so stopping a server ends the
 * trace cleanly (strace passes the signal on to the program it started and writes the rest of its log);
 * `--library-path` and `--inhibit-cache` keep the loader away from the image's libraries and its ld.so.cache.
 */
export function tracedCommand(tracer: HostTracer, log: string, argv: string[]): string[] {
  const strace = [`${TRACER_DIRECTORY}/strace`, '-f', '-qq', '-y', '-I2', '-e', 'trace=%file', '-o', log, '--', ...argv];
  if (tracer.loader === '') return strace;
  const loaderFlags = tracer.musl ? ['--library-path', `${TRACER_DIRECTORY}/lib`] : ['--inhibit-cache', '--library-path', `${TRACER_DIRECTORY}/lib`];
  return [`${TRACER_DIRECTORY}/ld.so`, ...loaderFlags, ...strace];
}

/**
 * strace's own complaint when the engine does not allow ptrace (a seccomp profile or LSM that forbids it), found
 * in what the container printed: `/.scratchify-trace/strace: ptrace(PTRACE_TRACEME, ...): Operation not permitted`.
 */
export function ptraceRefusal(output: string): string | undefined {
  const line = output.split('\n').find((text) => /^(?:\S*\/)?strace: .*(?:ptrace|PTRACE_).*(?:Operation not permitted|Permission denied)/.test(text.trim()));
  return line?.trim();
}
