/**
 * Which traced accesses become analysis roots. A root is a path of the image a check's processes opened,
 * executed or looked up (stat, access: a program may need a file only to exist, as Python needs a module's
 * source beside the cached bytecode it loads), with the reason `opened at run time by check N of probe.json`
 * (`executed`, `looked up`); and for an executed file, what the kernel loaded for it without a system call
 * strace could see: its `#!` interpreter or its ELF `PT_INTERP`.
 *
 * Not roots:
 * - paths the image does not have: files and directories created at run time — but the directory one was
 *   created in is, when the image has it, through symlinks (nginx makes its temp directories inside one the
 *   Dockerfile made; apache2ctl makes its lock directory in /var/lock, a link to /run/lock);
 * - what the engine provides in every container: `/proc`, `/sys`, `/dev`, and the `/etc/hosts`,
 *   `/etc/resolv.conf` and `/etc/hostname` bind-mounted over the image's own (moby
 *   `daemon/container_operations_unix.go`, podman alike);
 * - the tracer's own files (under {@link TRACER_DIRECTORY}).
 */
import { basename, posix } from 'node:path';
import { parseElf, type GivenRoot } from '../analyze';
import type { FileTree } from '../tree/types';
import type { FileAccess } from './strace-log';

/** Where the tracer's files are mounted in the container under trace. */
export const TRACER_DIRECTORY = '/.scratchify-trace';

const RUNTIME_FILESYSTEMS = ['/proc', '/sys', '/dev'];
const ENGINE_PROVIDED_FILES = new Set(['/etc/hosts', '/etc/resolv.conf', '/etc/hostname']);

/** The accesses of one check. */
export interface CheckAccesses {
  /** 1-based check number. */
  check: number;
  accesses: FileAccess[];
}

function under(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/** Whether a path is the engine's or the tracer's, never the image's. */
export function isEngineProvided(path: string): boolean {
  return RUNTIME_FILESYSTEMS.some((directory) => under(path, directory)) || ENGINE_PROVIDED_FILES.has(path) || under(path, TRACER_DIRECTORY);
}

/** The probe file's name as reasons show it: its base name, control characters escaped. */
export function probeLabel(source: string): string {
  const name = basename(source) || source;
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name;
}

/** An image path inside a reason: quoted when it holds a control character, so a reason stays one line. */
function shown(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

/** The path an access stands for in the image, or undefined when it is not an image file at all. */
function imagePath(tree: FileTree, access: FileAccess): string | undefined {
  // The name the program used keeps its symlinks; it must still lead to what the kernel opened.
  const candidates = [access.named, access.real].filter((path): path is string => path !== undefined);
  for (const path of candidates) {
    const normalized = posix.normalize(path);
    if (isEngineProvided(normalized)) return undefined;
    let resolution;
    try {
      resolution = tree.resolve(normalized, { followFinal: true });
    } catch {
      continue;
    }
    if (!resolution.entry || isEngineProvided(resolution.path)) continue;
    if (access.real !== undefined && resolution.path !== posix.normalize(access.real) && path !== access.real) continue;
    return normalized;
  }
  return undefined;
}

/** Whether `path` is a directory of the image, through symlinks (Debian's /var/lock → /run/lock). */
function isDirectory(tree: FileTree, path: string): boolean {
  try {
    const resolution = tree.resolve(path, { followFinal: true });
    return resolution.entry?.type === 'dir' && !isEngineProvided(resolution.path);
  } catch {
    return false;
  }
}

/** `#!` interpreter of a script: the first word after `#!`, when absolute. */
function shebangInterpreter(head: Buffer): string | undefined {
  if (head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const line = head.subarray(2, Math.max(2, head.indexOf(0x0a) < 0 ? Math.min(head.length, 256) : head.indexOf(0x0a))).toString('utf8');
  const word = line.trim().split(/[ \t]+/)[0];
  return word?.startsWith('/') ? word : undefined;
}

/**
 * The roots the traced accesses give, each with its reason; `probe` names the probe file in reasons. Reads
 * executed files of the tree for what the kernel loads for them.
 */
export async function traceRoots(tree: FileTree, checks: CheckAccesses[], probe: string): Promise<GivenRoot[]> {
  const label = probeLabel(probe);
  const roots: GivenRoot[] = [];
  const seen = new Set<string>();
  const add = (path: string, detail: string, by?: string): void => {
    const key = `${path}\0${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    roots.push({ path, reason: by === undefined ? { rule: 'trace', detail } : { rule: 'trace', by, detail } });
  };
  for (const { check, accesses } of checks) {
    const by = `check ${check} of ${label}`;
    // A path the check opened or executed is not also "looked up" by it: one reason says what the check did.
    const used = new Set<string>();
    for (const access of accesses) {
      if (access.kind === 'stat' || access.kind === 'create') continue;
      const path = imagePath(tree, access);
      if (path !== undefined) used.add(path);
    }
    for (const access of accesses) {
      const path = imagePath(tree, access);
      if (path === undefined) {
        // Made at run time: what the image must have is the directory it was made in.
        const made = access.kind === 'create' || (access.kind === 'open' && access.create) ? (access.named ?? access.real) : undefined;
        const parent = made === undefined ? undefined : posix.dirname(posix.normalize(made));
        if (parent !== undefined && parent !== '/' && !isEngineProvided(parent) && isDirectory(tree, parent)) {
          add(parent, `directory where ${shown(posix.basename(made as string))} was created at run time by ${by}`);
        }
        continue;
      }
      if (access.kind === 'open') {
        add(path, `opened at run time by ${by}`);
        continue;
      }
      if (access.kind === 'stat' || access.kind === 'create') {
        if (!used.has(path)) add(path, `looked up at run time by ${by}`);
        continue;
      }
      add(path, `executed at run time by ${by}`);
      const real = tree.resolve(path, { followFinal: true });
      if (real.entry?.type !== 'file' && real.entry?.type !== 'hardlink') continue;
      let content: Buffer;
      try {
        content = await tree.readFile(real.path);
      } catch {
        continue;
      }
      const interpreter = shebangInterpreter(content.subarray(0, 256));
      if (interpreter !== undefined && !isEngineProvided(interpreter)) add(interpreter, `#! interpreter the kernel ran for ${shown(path)}, executed at run time by ${by}`, real.path);
      const elf = parseElf(content);
      if (elf.ok && elf.elf.interpreter !== undefined) add(elf.elf.interpreter, `ELF interpreter the kernel loaded for ${shown(path)}, executed at run time by ${by}`, real.path);
    }
  }
  return roots;
}
