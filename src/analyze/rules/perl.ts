/**
 * Perl: once a `perl` interpreter is kept, every kept Perl file (`.pl`, `.pm`, perl shebang scripts) has
 * the modules it `use`s or `require`s found along @INC and kept, with the XS part of a module: its
 * `auto/<Module/Path>/` directory (`Name.so` loaded by XSLoader/DynaLoader, `.bs`, AutoLoader's
 * `autosplit.ix` and `.al` files; perlxs, AutoSplit) — its own files, not its submodules' subdirectories —
 * and for sources that use `Encode`, the submodules of the encodings they name (perl-encode.ts).
 *
 * @INC is built from the image rather than a hard-coded version: PERL5LIB/PERLLIB, then Debian's order
 * (perl(1) on Debian: /etc/perl, /usr/local/lib/<triplet>/perl/<version>, /usr/local/share/perl/<version>,
 * /usr/lib/<triplet>/perl5/<major.minor>, /usr/share/perl5, /usr/lib/<triplet>/perl-base,
 * /usr/lib/<triplet>/perl/<major.minor>, /usr/share/perl/<major.minor>, /usr/local/lib/site_perl) with the
 * versions and triplets the image has, then a perl.org build's `<prefix>/lib/perl5/…` directories.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { encodeModuleFor, encodeTables, perlEncodingNames } from './perl-encode';
import { entryAt, perRun } from './run-state';

/** `perl`, `perl5.36.0`. */
const INTERPRETER_NAME = /^perl(?:5\.\d+\.\d+)?$/;

interface PerlState {
  /** @INC of the interpreters found (existing directories, in order). */
  inc: string[];
  interpreters: string[];
  pending: string[];
}

const stateOf = perRun<PerlState>(() => ({ inc: [], interpreters: [], pending: [] }));


function listDir(context: AnalysisContext, dir: string): string[] {
  return entryAt(context, dir)?.type === 'dir' ? context.tree.list(context.tree.resolve(dir).path) : [];
}

/** @INC for an interpreter, from the directories the image has. */
export function perlIncludeDirs(context: AnalysisContext, interpreter: string): string[] {
  const dirs: string[] = [];
  for (const variable of ['PERL5LIB', 'PERLLIB']) {
    const value = context.env.get(variable);
    if (value) {
      for (const entry of value.split(':')) if (entry !== '') dirs.push(posix.resolve(context.workdir, entry));
      break;
    }
  }
  const triplets = listDir(context, '/usr/lib').filter((name) => /-linux-gnu\w*$/.test(name));
  const versionsIn = (dir: string, pattern: RegExp): string[] => listDir(context, dir).filter((name) => pattern.test(name));
  dirs.push('/etc/perl');
  for (const triplet of triplets) for (const version of versionsIn(`/usr/local/lib/${triplet}/perl`, /^5\.\d+\.\d+$/)) dirs.push(`/usr/local/lib/${triplet}/perl/${version}`);
  for (const version of versionsIn('/usr/local/share/perl', /^5\.\d+\.\d+$/)) dirs.push(`/usr/local/share/perl/${version}`);
  for (const triplet of triplets) for (const version of versionsIn(`/usr/lib/${triplet}/perl5`, /^5\.\d+$/)) dirs.push(`/usr/lib/${triplet}/perl5/${version}`);
  dirs.push('/usr/share/perl5');
  for (const triplet of triplets) dirs.push(`/usr/lib/${triplet}/perl-base`);
  for (const triplet of triplets) for (const version of versionsIn(`/usr/lib/${triplet}/perl`, /^5\.\d+$/)) dirs.push(`/usr/lib/${triplet}/perl/${version}`);
  for (const version of versionsIn('/usr/share/perl', /^5\.\d+$/)) dirs.push(`/usr/share/perl/${version}`);
  dirs.push('/usr/local/lib/site_perl');
  // A perl.org build (the official `perl` image): <prefix>/lib/perl5/{site_perl/,vendor_perl/,}<version>[/<archname>].
  const lib = posix.join(posix.dirname(posix.dirname(interpreter)), 'lib', 'perl5');
  for (const base of [posix.join(lib, 'site_perl'), posix.join(lib, 'vendor_perl'), lib]) {
    for (const version of versionsIn(base, /^5\.\d+\.\d+$/)) {
      for (const arch of listDir(context, posix.join(base, version))) {
        if (/-linux/.test(arch)) dirs.push(posix.join(base, version, arch));
      }
      dirs.push(posix.join(base, version));
    }
  }
  return [...new Set(dirs)].filter((dir) => entryAt(context, dir)?.type === 'dir');
}

/** One module or file a Perl source loads. */
export interface PerlLoad {
  /** `Foo::Bar` for modules, a relative path for `require "file.pl"`. */
  name: string;
  kind: 'module' | 'file';
  line: number;
}

/** Pragmas and `use parent`/`use base` arguments, and `use lib` directories, from one Perl source. */
export interface PerlScan {
  loads: PerlLoad[];
  /** Directories added with `use lib 'dir'` (FindBin's `$Bin` replaced by the script directory). */
  libDirs: string[];
  /** `require $x` and the like: loads the scan cannot follow. */
  dynamic: number[];
  /** The source's lines with comments, POD and everything after `__END__` blanked (line numbers kept). */
  code: string[];
}

const MODULE = /^[A-Za-z_]\w*(?:::\w+)*$/;

/** Scans Perl source for `use`/`no`/`require`: POD and everything after `__END__`/`__DATA__` is skipped. */
export function scanPerlSource(source: string, scriptDir: string): PerlScan {
  const loads: PerlLoad[] = [];
  const libDirs: string[] = [];
  const dynamic: number[] = [];
  let pod = false;
  const lines = source.split('\n');
  const codeLines = lines.map(() => '');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    // POD starts with `=word` at a line start and ends with `=cut` (perlpod).
    if (/^=[a-zA-Z]/.test(raw)) {
      pod = !/^=cut\b/.test(raw);
      continue;
    }
    if (pod) continue;
    if (/^__(?:END|DATA)__\b/.test(raw)) break;
    const code = raw.replace(/(^|\s)#.*$/, '$1');
    codeLines[index] = code;
    for (const statement of code.split(';')) {
      const match = /(?:^|[\s{}])(use|no|require)\s+([^\s;(]+)\s*(.*)$/.exec(statement);
      if (!match) continue;
      const [, keyword, target, rest] = match;
      const line = index + 1;
      if (/^v?5(?:\.[\d_]+)*$|^\d/.test(target)) continue;
      if (keyword === 'require' && /^(['"]).*\1$/.test(target)) {
        loads.push({ name: target.slice(1, -1), kind: 'file', line });
        continue;
      }
      if (keyword === 'require' && /^[$@]/.test(target)) {
        dynamic.push(line);
        continue;
      }
      if (!MODULE.test(target)) continue;
      if (keyword === 'use' && target === 'lib') {
        for (const dir of rest.match(/(['"])[^'"]*\1|qw\s*[([{/]([^)\]}/]*)/g) ?? []) {
          const words = dir.startsWith('qw') ? dir.replace(/^qw\s*./, '').split(/\s+/) : [dir.slice(1, -1)];
          for (const word of words) {
            if (word === '') continue;
            const expanded = word.replace(/^\$FindBin::(?:Real)?Bin/, scriptDir);
            if (expanded.startsWith('/')) libDirs.push(posix.normalize(expanded));
          }
        }
      }
      loads.push({ name: target, kind: 'module', line });
      if (keyword === 'use' && (target === 'parent' || target === 'base')) {
        const words = rest.replace(/-norequire\b.*/, '').match(/[A-Za-z_]\w*(?:::\w+)+|[A-Z]\w*/g) ?? [];
        for (const word of words) if (word !== 'qw') loads.push({ name: word, kind: 'module', line });
      }
    }
  }
  return { loads, libDirs, dynamic, code: codeLines };
}

/** Keeps a module (or required file) from the first @INC directory that has it, with its `auto/` directory. */
function keepLoad(context: AnalysisContext, load: PerlLoad, inc: readonly string[], reason: Reason): boolean {
  const relative = load.kind === 'module' ? `${load.name.replace(/::/g, '/')}.pm` : load.name;
  if (relative.startsWith('/')) return context.keep(relative, reason) !== undefined;
  let found = false;
  for (const dir of inc) {
    const path = posix.join(dir, relative);
    const entry = entryAt(context, path);
    if (!entry || entry.type === 'dir') continue;
    context.keep(path, reason);
    found = true;
    break;
  }
  if (load.kind === 'module') {
    // XSLoader searches @INC for auto/Foo/Bar/Bar.so on its own, not necessarily beside Bar.pm.
    const auto = posix.join('auto', ...load.name.split('::'));
    for (const dir of inc) {
      const autoDir = posix.join(dir, auto);
      if (entryAt(context, autoDir)?.type !== 'dir') continue;
      // Only the module's own files: subdirectories are the auto/ directories of its submodules
      // (auto/Encode/JP/ belongs to Encode::JP), kept when those are loaded.
      context.keep(autoDir, reason);
      for (const name of context.tree.list(context.tree.resolve(autoDir).path)) {
        const path = posix.join(autoDir, name);
        if (entryAt(context, path)?.type === 'dir') continue;
        context.keep(path, { ...reason, detail: `${reason.detail} (XS/AutoLoader files)` });
      }
      break;
    }
  }
  return found;
}

async function inspectSource(context: AnalysisContext, path: string, state: PerlState): Promise<void> {
  const scan = scanPerlSource((await context.read(path)).toString('utf8'), posix.dirname(path));
  const inc = [...scan.libDirs, ...state.inc];
  // @INC names versioned directories through symlinks (perl/5.36 -> 5.36.0); kept paths are real paths.
  const application = !state.inc.some((dir) => path.startsWith(`${dir}/`) || path.startsWith(`${context.tree.resolve(dir).path}/`));
  for (const load of scan.loads) {
    const reason: Reason = { rule: 'perl-module', by: path, detail: `${load.kind === 'module' ? 'use' : 'require'} ${load.name} at line ${load.line}` };
    if (!keepLoad(context, load, inc, reason) && application) context.warn(`${path}: line ${load.line}: ${load.name} is not in @INC (${inc.join(':')})`);
  }
  if (application) for (const line of scan.dynamic) context.warn(`${path}: line ${line}: require of a module named at run time; keep it with --keep if the program needs it`);
  await keepNamedEncodings(context, path, scan, inc);
}

/** Whether a source uses Encode (directly, through `use open`/`:encoding` layers, or being part of it). */
function usesEncode(scan: PerlScan): boolean {
  return scan.loads.some((load) => load.name === 'Encode' || load.name.startsWith('Encode::') || load.name === 'open') || scan.code.some((line) => line.includes(':encoding('));
}

/** Keeps the Encode submodules of the encodings a source names (see perl-encode.ts). */
async function keepNamedEncodings(context: AnalysisContext, path: string, scan: PerlScan, inc: readonly string[]): Promise<void> {
  if (!usesEncode(scan) || /\/Encode(?:\/|\.pm$)/.test(path)) return;
  const names = perlEncodingNames(scan.code, context.env);
  if (names.length === 0) return;
  const tables = await encodeTables(context, inc);
  if (tables === undefined) return;
  for (const named of names) {
    const module = encodeModuleFor(tables, named.name);
    if (module === undefined) continue;
    const reason: Reason = {
      rule: 'perl-encode',
      by: path,
      detail: `${named.how} at line ${named.line}: encoding ${named.name} is served by ${module} (${tables.config})`,
      origin: { path, line: named.line },
    };
    keepLoad(context, { name: module, kind: 'module', line: named.line }, inc, reason);
  }
}

function isPerlSource(path: string, head: Buffer): boolean {
  if (/\.(?:pl|pm)$/.test(path)) return true;
  if (head[0] !== 0x23 || head[1] !== 0x21) return false;
  const end = head.indexOf(0x0a);
  return /\bperl[\d.]*\b/.test(head.subarray(0, end === -1 ? head.length : end).toString('utf8'));
}

export const perlRule: FileRule = {
  id: 'perl',
  description: 'Perl interpreters and the modules Perl sources use',
  async inspect(file, context) {
    const state = stateOf(context);
    if (INTERPRETER_NAME.test(posix.basename(file.path)) && (file.entry.mode & 0o111) !== 0) {
      if (state.interpreters.includes(file.path)) return;
      state.interpreters.push(file.path);
      for (const dir of perlIncludeDirs(context, file.path)) if (!state.inc.includes(dir)) state.inc.push(dir);
      for (const path of state.pending.splice(0)) await inspectSource(context, path, state);
      return;
    }
    if (!isPerlSource(file.path, file.head)) return;
    if (state.interpreters.length === 0) {
      state.pending.push(file.path);
      return;
    }
    await inspectSource(context, file.path, state);
  },
};
