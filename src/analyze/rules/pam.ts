/**
 * PAM: a program linked to libpam (`su`, `runuser`, `login`, `sshd`, `cron`) calls `pam_start(service, …)`,
 * and libpam reads `/etc/pam.d/<service>` — plus `/etc/pam.d/other`, the fallback it always loads — and
 * `dlopen`s every module the stack names (Linux-PAM `libpam/pam_handlers.c`). A line is
 * `[-]type control module [args]`; `@include file` and the controls `include` and `substack` pull in another
 * file of `/etc/pam.d`; a relative module path is looked up in libpam's compiled-in module directory
 * (`/lib/<triplet>/security/`). Without `/etc/pam.d`, `/etc/pam.conf` holds the same lines with the service
 * name first. A missing module on a `-type` line is skipped silently; others fail the stack.
 *
 * The service names a program passes are C strings in it (`su` and `su-l` in su): every file of /etc/pam.d
 * whose name is such a string is a service the program may start. Modules read their own configuration by
 * compiled-in path (`pam_env` reads `/etc/security/pam_env.conf` and `/etc/environment`, `pam_limits` the
 * `limits.conf` and `limits.d`, `pam_unix` `/etc/shadow` for account expiry): the `/etc` paths named in a kept
 * module that exist are kept with it.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, KeptFile } from '../types';
import { cStringsMatching, hasCString, isElfProgram, needsLibrary } from './binary-strings';
import { entryAt, perRun } from './run-state';

const PAM_DIR = '/etc/pam.d';
const PAM_CONF = '/etc/pam.conf';
/** The service libpam loads besides the one asked for. */
const FALLBACK_SERVICE = 'other';
const LIBPAM = /^libpam\.so\.\d+$/;
/** A config file larger than this is not a PAM stack; it is skipped with a warning. */
const CONFIG_LIMIT = 256 * 1024;

/** One module line of a PAM stack. */
export interface PamModuleLine {
  /** The module path as written (`pam_unix.so` or an absolute path). */
  module: string;
  /** A `-type` line: a missing module is not an error. */
  optional: boolean;
  line: number;
}

/** What one PAM file says: module lines and the files it includes. */
export interface PamStack {
  modules: PamModuleLine[];
  includes: Array<{ name: string; line: number }>;
}

const TYPES = /^-?(auth|account|password|session)$/i;

/**
 * Parses a PAM file (`/etc/pam.d/<service>` syntax, or `/etc/pam.conf` lines for `service` when given).
 * Continuation lines end in `\`; `#` starts a comment; a bracketed control `[value=action …]` is one field.
 */
export function parsePamStack(text: string, service?: string): PamStack {
  const stack: PamStack = { modules: [], includes: [] };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    let line = lines[index];
    while (line.endsWith('\\') && index + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++index];
    line = line.replace(/#.*/, '').trim();
    if (line === '') continue;
    const fields = line.match(/\[[^\]]*\]|\S+/g) ?? [];
    if (service !== undefined) {
      if (fields.shift() !== service) continue;
    }
    if (fields[0] === '@include' && fields[1] !== undefined) {
      stack.includes.push({ name: fields[1], line: lineNumber });
      continue;
    }
    const [type, control, module] = fields;
    if (type === undefined || control === undefined || module === undefined || !TYPES.test(type)) continue;
    if (control === 'include' || control === 'substack') stack.includes.push({ name: module, line: lineNumber });
    else stack.modules.push({ module, optional: type.startsWith('-'), line: lineNumber });
  }
  return stack;
}

interface PamState {
  /** Module directories of the libpam copies kept so far. */
  moduleDirs: string[];
  /** Services waiting for a module directory (libpam not inspected yet). */
  pending: Array<{ service: string; by: string }>;
  services: Set<string>;
  modulesScanned: Set<string>;
}

const stateOf = perRun<PamState>(() => ({ moduleDirs: [], pending: [], services: new Set(), modulesScanned: new Set() }));

/**
 * libpam's module directories: the compiled-in `…/security/` strings (`DEFAULT_MODULE_PATH`, e.g.
 * `/lib/x86_64-linux-gnu/security/`, and the ISA fallback `/lib/security`).
 */
export function pamModuleDirectories(libpam: Buffer): string[] {
  return cStringsMatching(libpam, /^\/[\w./+-]*\/security\/?$/).map((dir) => dir.replace(/\/$/, ''));
}

async function readConfig(context: AnalysisContext, path: string): Promise<string | undefined> {
  const entry = entryAt(context, path);
  if (entry?.type !== 'file' && entry?.type !== 'hardlink') return undefined;
  if (entry.size > CONFIG_LIMIT) {
    context.warn(`${path}: ${entry.size} bytes is too large for a PAM configuration; not read`);
    return undefined;
  }
  return (await context.read(path)).toString('utf8');
}

function moduleCandidates(state: PamState, module: string): string[] {
  return module.startsWith('/') ? [module] : state.moduleDirs.map((dir) => posix.join(dir, module));
}

/** Keeps the `/etc` files and directories a kept PAM module names in its strings. */
async function keepModuleConfig(context: AnalysisContext, state: PamState, module: string): Promise<void> {
  if (state.modulesScanned.has(module)) return;
  state.modulesScanned.add(module);
  const content = await context.read(module);
  for (const path of cStringsMatching(content, /^\/etc\/[\w.+-]+(\/[\w.+-]+)*$/)) {
    const entry = entryAt(context, path);
    const reason = { rule: 'pam-module-config', by: module, detail: `PAM module ${posix.basename(module)} reads ${path}` };
    if (entry?.type === 'dir') context.keepTree(path, reason);
    else if (entry) context.keep(path, reason);
  }
}

async function keepService(context: AnalysisContext, state: PamState, service: string, by: string): Promise<void> {
  const usesDir = entryAt(context, PAM_DIR)?.type === 'dir';
  const visited = new Set<string>();
  const walk = async (file: string, service: string | undefined, reasonBy: string, detail: string, origin?: { path: string; line: number }): Promise<void> => {
    if (visited.has(file)) return;
    visited.add(file);
    const real = context.keep(file, { rule: 'pam-config', by: reasonBy, detail, ...(origin ? { origin } : {}) });
    if (real === undefined) return;
    const text = await readConfig(context, file);
    if (text === undefined) return;
    const stack = parsePamStack(text, service);
    for (const include of stack.includes) {
      const target = include.name.startsWith('/') ? include.name : posix.join(PAM_DIR, include.name);
      await walk(target, undefined, file, `included by ${file} line ${include.line}`, { path: file, line: include.line });
    }
    for (const line of stack.modules) {
      const kept = moduleCandidates(state, line.module)
        .map((candidate) => context.keep(candidate, { rule: 'pam-module', by: file, detail: `PAM stack line ${line.line} loads ${line.module}`, origin: { path: file, line: line.line } }))
        .find((path) => path !== undefined);
      if (kept !== undefined) await keepModuleConfig(context, state, kept);
      else if (!line.optional) context.warn(`${file}: line ${line.line} loads ${line.module}, which is not in the image; PAM will refuse the service`);
    }
  };
  if (usesDir) {
    await walk(posix.join(PAM_DIR, service), undefined, by, `PAM service ${service} of ${by}`);
    await walk(posix.join(PAM_DIR, FALLBACK_SERVICE), undefined, by, `libpam loads the ${FALLBACK_SERVICE} service as the fallback of every stack`);
  } else {
    await walk(PAM_CONF, service, by, `PAM service ${service} of ${by}`);
  }
}

/** The PAM services a program may start: files of /etc/pam.d (or pam.conf services) named by its strings. */
async function servicesOf(context: AnalysisContext, content: Buffer): Promise<string[]> {
  const dir = entryAt(context, PAM_DIR);
  if (dir?.type === 'dir') {
    const names = context.tree.list(context.tree.resolve(PAM_DIR).path);
    return names.filter((name) => name !== FALLBACK_SERVICE && !name.startsWith('common-') && hasCString(content, name));
  }
  const conf = await readConfig(context, PAM_CONF);
  if (conf === undefined) return [];
  const services = new Set(conf.split('\n').map((line) => line.replace(/#.*/, '').trim().split(/\s+/)[0]).filter((name) => name && name !== FALLBACK_SERVICE));
  return [...services].filter((name) => hasCString(content, name));
}

async function inspect(file: KeptFile, context: AnalysisContext): Promise<void> {
  const state = stateOf(context);
  const content = await context.read(file.path);
  if (LIBPAM.test(posix.basename(file.path)) || /\/libpam\.so\.\d+(\.\d+)*$/.test(file.path)) {
    for (const dir of pamModuleDirectories(content)) if (!state.moduleDirs.includes(dir)) state.moduleDirs.push(dir);
    for (const { service, by } of state.pending.splice(0)) await keepService(context, state, service, by);
    return;
  }
  // Modules and helper libraries link libpam too; only programs start a service.
  if (!needsLibrary(content, LIBPAM) || !isElfProgram(content)) return;
  for (const service of await servicesOf(context, content)) {
    if (state.services.has(service)) continue;
    state.services.add(service);
    if (state.moduleDirs.length === 0) state.pending.push({ service, by: file.path });
    else await keepService(context, state, service, file.path);
  }
}

export const pamRule: FileRule = {
  id: 'pam',
  description: 'PAM stacks of programs that authenticate or switch users, and the modules they load',
  async inspect(file, context) {
    if (file.head[0] !== 0x7f) return;
    await inspect(file, context);
  },
};
