/**
 * Sibling and helper programs, and data named relative to a compiled-in directory: what a program finds by
 * composing a path at run time rather than by an absolute string (runtime-deps.md §3).
 *
 * - **Siblings.** Programs installed in a private directory find their helpers next to themselves:
 *   PostgreSQL's `initdb` runs `postgres` "in the same directory as" itself (`find_other_exec`), git finds
 *   `git-*` helpers in its exec path. A C string of the program that names an executable in its own directory
 *   is kept. Not for the shared FHS program directories (`/usr/bin`, `/bin`, …): programs there find each
 *   other through PATH, and words such as `test` or `sort` in their messages are not helpers.
 * - **Relative data.** A program with a compiled-in private directory (`/usr/share/postgresql/15`,
 *   `/usr/lib/git-core`) builds `dir + "/" + name` for the names it reads (`postgres.bki`,
 *   `postgresql.conf.sample`): a C string naming a file that exists in such a directory is kept; in a bin or
 *   libexec directory only an executable counts. Shared directories (`/usr/lib/<triplet>`, `/usr/share`,
 *   `/etc`, …) are never such a directory: their names are other packages' files.
 * - **Command strings.** A program that imports `popen` or `system` runs shell command lines written as C
 *   strings (`locale -a` in PostgreSQL's backend): a string that reads as a command with an option, whose
 *   program is on PATH, is kept with `/bin/sh`, which runs it.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule } from '../types';
import { cStringsMatching, hasCString, isElfProgram } from './binary-strings';
import { entryAt, perRun } from './run-state';

/** Directories shared by many packages (FHS 3.0): names in them are never a program's private data. */
const SHARED_DIRECTORIES = new Set([
  '/', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt', '/srv', '/tmp', '/var', '/run', '/home', '/root', '/usr', '/usr/bin',
  '/usr/sbin', '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libx32', '/usr/libexec', '/usr/include', '/usr/share', '/usr/src', '/usr/games',
  '/usr/local', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/share', '/usr/local/include', '/usr/local/etc',
  '/usr/share/locale', '/usr/share/zoneinfo', '/usr/share/doc', '/usr/share/man', '/usr/share/info', '/usr/share/misc', '/usr/share/i18n',
  '/usr/share/common-licenses', '/usr/share/fonts', '/usr/share/icons', '/usr/share/mime', '/usr/share/pixmaps', '/usr/share/applications',
  '/usr/share/xml', '/usr/share/perl5', '/usr/lib/locale', '/usr/lib/debug', '/var/lib', '/var/cache', '/var/log', '/var/run', '/var/tmp',
  '/var/spool', '/var/mail', '/var/lib/dpkg', '/etc/alternatives', '/etc/default', '/etc/ssl', '/etc/ssl/certs',
]);
const FHS_PROGRAM_DIRECTORIES = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/games']);
/** A relative name a program may join to a directory: `postgres`, `postgres.bki`, `timezonesets/Default`. */
const RELATIVE_NAME = /^[A-Za-z0-9_][\w.+-]*(\/[\w.+-]+)*$/;
/** A command line in a C string: a program name and at least one option (`locale -a`, `/sbin/ldconfig -p`). */
const COMMAND_LINE = /^(\/?[\w.+-]+(?:\/[\w.+-]+)*) +-{1,2}[A-Za-z][\w-]*(?: +[\w./=,:%-]+)*$/;
/** Library directories named by a triplet (`/usr/lib/x86_64-linux-gnu`) are shared too. */
const TRIPLET_DIRECTORY = /^(\/usr)?\/lib\/[\w]+-linux-[\w]+$/;

const done = perRun<Set<string>>(() => new Set());

/** Whether a directory may hold a program's private helpers and data. */
export function isPrivateDirectory(dir: string): boolean {
  return !SHARED_DIRECTORIES.has(dir) && !TRIPLET_DIRECTORY.test(dir) && !dir.startsWith('/proc') && !dir.startsWith('/sys') && !dir.startsWith('/dev');
}

function isExecutableFile(context: AnalysisContext, path: string): boolean {
  const entry = entryAt(context, path);
  return (entry?.type === 'file' || entry?.type === 'hardlink') && (entry.mode & 0o111) !== 0;
}

function isProgramDirectory(dir: string): boolean {
  return /(^|\/)(s?bin|libexec)(\/|$)|-core$/.test(dir);
}

/** Existing private directories a program names: its own directory and compiled-in absolute paths. */
function privateDirectories(context: AnalysisContext, program: string, content: Buffer): Array<{ dir: string; own: boolean }> {
  const dirs: Array<{ dir: string; own: boolean }> = [];
  const own = posix.dirname(program);
  if (!FHS_PROGRAM_DIRECTORIES.has(own) && isPrivateDirectory(own)) dirs.push({ dir: own, own: true });
  for (const path of cStringsMatching(content, /^\/[\w.+-]+(\/[\w.+-]+)+\/?$/)) {
    const dir = path.replace(/\/$/, '');
    if (dir === own || !isPrivateDirectory(dir) || entryAt(context, dir)?.type !== 'dir') continue;
    dirs.push({ dir, own: false });
  }
  return dirs;
}

function keepRelativeNames(context: AnalysisContext, program: string, content: Buffer): void {
  const dirs = privateDirectories(context, program, content);
  if (dirs.length === 0) return;
  const names = cStringsMatching(content, RELATIVE_NAME, 3);
  for (const { dir, own } of dirs) {
    const programs = own || isProgramDirectory(dir);
    for (const name of names) {
      const path = posix.join(dir, name);
      if (path === program) continue;
      const entry = entryAt(context, path);
      if (entry === undefined || entry.type === 'dir') continue;
      if (programs) {
        if (!isExecutableFile(context, path)) continue;
        const detail = own ? `runs ${name} from its own directory ${dir}` : `runs helper ${name} from its compiled-in directory ${dir}`;
        context.keep(path, { rule: 'helper-program', by: program, detail });
      } else {
        context.keep(path, { rule: 'relative-data', by: program, detail: `reads ${name} from its compiled-in directory ${dir}` });
      }
    }
  }
}

function keepCommandStrings(context: AnalysisContext, program: string, content: Buffer): void {
  if (!hasCString(content, 'popen') && !hasCString(content, 'system')) return;
  let found = false;
  for (const line of cStringsMatching(content, COMMAND_LINE)) {
    const name = (COMMAND_LINE.exec(line) as RegExpExecArray)[1];
    const path = context.which(name);
    if (path === undefined) continue;
    found = true;
    context.keep(path, { rule: 'command-string', by: program, detail: `runs "${line}" through popen/system` });
  }
  if (found) context.keep('/bin/sh', { rule: 'command-string', by: program, detail: 'popen and system run their command with /bin/sh -c' });
}

export const helperProgramsRule: FileRule = {
  id: 'helper-program',
  description: 'helper programs and data files a program finds next to itself or in its compiled-in directories',
  async inspect(file, context) {
    if (file.head[0] !== 0x7f) return;
    const seen = done(context);
    if (seen.has(file.path)) return;
    seen.add(file.path);
    const content = await context.read(file.path);
    if (!isElfProgram(content)) return;
    keepRelativeNames(context, file.path, content);
    keepCommandStrings(context, file.path, content);
  },
};
