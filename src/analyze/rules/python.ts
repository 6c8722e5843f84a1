/**
 * CPython: when an interpreter (`python3.X`, found by name) is kept, what it reads to start — the stdlib
 * landmark, the modules `site` imports, the `encodings` package (codecs are looked up by name at run time,
 * so the whole package), `sitecustomize`, the `.pth` files of every site directory and a venv's
 * `pyvenv.cfg` — and, for every kept Python source file, the modules it imports, found with a static
 * import scan and resolved along `sys.path` the way `importlib.machinery.PathFinder` does: per directory,
 * a regular package (`__init__.py`) wins, then an extension module, then a source or bytecode file, and
 * directories without `__init__` are namespace portions (PEP 420).
 *
 * An imported package keeps its whole directory (a package imports its own submodules in ways a scan
 * cannot always see); `__pycache__` is never kept: Python runs from sources and writes no bytecode to a
 * read-only or unwritable tree. Imports the scan cannot follow are warnings, not guesses.
 */
import { posix } from 'node:path';
import type { FileEntry } from '../../tree/types';
import { hasElfMagic } from '../elf';
import type { AnalysisContext, FileRule, ImageRule, Reason } from '../types';
import { keepFoundLibrary, keepLoadedLibrary } from './python-ctypes';
import { scanPythonImports, type PythonImport, type PythonLiteralCall } from './python-imports';
import { findDistributions, normalizeDistributionName, requirementName, type Distribution, type EntryPoint } from './python-metadata';
import { discoverPythonLayout, pythonInterpreterName, type PythonLayout } from './python-layout';
import { entryAt, perRun } from './run-state';
import { parseShebang } from './scripts';
import { keepCUtf8Locale } from './system-files-locale';

/**
 * Modules the interpreter imports before the program's first line with `site` enabled (CPython 3.11
 * `python3 -v`: `site` imports `os`, `stat`, `posixpath`, `genericpath`, `_collections_abc`,
 * `_sitebuiltins`; `io`/`abc`/`codecs` come with the interpreter core). 3.11 freezes most of them, but
 * `getpath` still looks for `os.py` as the stdlib landmark and `-X frozen_modules=off` reads them all.
 */
const STARTUP_MODULES = ['site', 'os', 'stat', 'posixpath', 'genericpath', '_collections_abc', '_sitebuiltins', 'codecs', 'io', 'abc', 'encodings'];

/** Imported by `site` only when present (Lib/site.py `execsitecustomize`, `execusercustomize`). */
const OPTIONAL_STARTUP_MODULES = ['sitecustomize', 'usercustomize'];

/** Modules every CPython has built in or frozen, so an import of them needs no file. */
const CORE_BUILTINS = new Set([
  'sys', 'builtins', '_imp', '_thread', '_warnings', '_weakref', '_io', 'marshal', 'posix', 'errno', 'time', 'gc',
  'itertools', '_abc', '_codecs', '_functools', '_locale', '_operator', '_collections', '_signal', '_sre', '_stat',
  '_string', '_symtable', '_tracemalloc', 'atexit', 'faulthandler', 'pwd', '_frozen_importlib',
  '_frozen_importlib_external', 'zipimport', '_typing', '_tokenize', '__main__', '__future__',
]);

/**
 * Stdlib functions that are command-line entry points or self-tests (`python3 -m tarfile` runs
 * `tarfile.main()`, `_test()` in many modules): a program that imports the module does not run them.
 */
const STDLIB_ENTRY_POINT = /^(?:_?test\w*|_?main)$/;

/** Whether importing a stdlib file runs this import: not under a `__main__` guard nor in a CLI entry point. */
function runsOnImport(found: PythonImport): boolean {
  return !found.scope.mainGuard && !found.scope.functions.some((name) => STDLIB_ENTRY_POINT.test(name));
}

/** Where a module name led along sys.path. */
type ModuleLocation =
  | { kind: 'package'; path: string }
  | { kind: 'file'; path: string }
  | { kind: 'namespace'; portions: string[] };

interface PythonState {
  layouts: PythonLayout[];
  /** Source files seen before any interpreter: scanned once one is found. */
  pending: string[];
  /** Files the interpreter runs by itself (`sitecustomize` may live in /etc): library code, not the application. */
  startupFiles: Set<string>;
  /** Built-in module names per interpreter, read lazily from its binary (`PyInit_<name>` symbols). */
  builtins: Map<string, Set<string>>;
  /** Distributions on each interpreter's sys.path. */
  distributions: Map<string, Promise<Distribution[]>>;
  /** Site-directory top-level names whose distribution metadata was looked for (`site/name`). */
  owned: Set<string>;
  /** Packages kept whole because their code imports by computed names. */
  wholePackages: Set<string>;
  /** Codec alias tables per stdlib, and codecs kept (`stdlib:module`). */
  codecAliases: Map<string, Map<string, string>>;
  codecs: Set<string>;
  /** Real paths of modules `.pth` lines import, and the functions those lines call. */
  pthModules: Set<string>;
  pthCalls: Set<string>;
}

const stateOf = perRun<PythonState>(() => ({
  layouts: [], pending: [], startupFiles: new Set(), builtins: new Map(), distributions: new Map(), owned: new Set(), wholePackages: new Set(), codecAliases: new Map(), codecs: new Set(), pthModules: new Set(), pthCalls: new Set(),
}));


function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * What of a `__pycache__` to keep: Python runs without it, but when the bytecode is there it reads it
 * instead of compiling the source (the traced working set of a Debian python3 program is mostly `.pyc`), so
 * the plain `*.cpython-3X.pyc` stay and the `-O` variants (`.opt-1`, `.opt-2`), read only under -O, go.
 */
function notBytecodeCache(entry: FileEntry): boolean {
  return !(entry.type === 'file' && posix.basename(posix.dirname(entry.path)) === '__pycache__' && /\.opt-\d\.pyc$/.test(entry.path));
}

/**
 * Stdlib modules CPython 3.11+ runs from code frozen into the interpreter (Tools/build/freeze_modules.py:
 * the import system, the start-up modules and runpy): their bytecode caches are never read. Their sources
 * stay — `os.py` is getpath's stdlib landmark, and tracebacks and `-X frozen_modules=off` read them.
 */
const FROZEN_MODULES = [
  'importlib/_bootstrap', 'importlib/_bootstrap_external', 'zipimport', 'abc', 'codecs', 'io', '_collections_abc', '_sitebuiltins',
  'genericpath', 'ntpath', 'posixpath', 'os', 'site', 'stat', 'importlib/util', 'importlib/machinery', 'runpy',
];

function isFrozen(context: AnalysisContext, source: string): boolean {
  return stateOf(context).layouts.some((layout) => Number(layout.version.split('.')[1]) >= 11 && FROZEN_MODULES.some((name) => source === posix.join(layout.stdlib, `${name}.py`)));
}

/** The bytecode cache files of one source module, `dir/__pycache__/name.cpython-3X.pyc`. */
function keepBytecodeOf(context: AnalysisContext, source: string, reason: Reason): void {
  if (!source.endsWith('.py') || isFrozen(context, source)) return;
  const cache = posix.join(posix.dirname(source), '__pycache__');
  const stem = posix.basename(source, '.py');
  const real = entryAt(context, cache)?.type === 'dir' ? context.tree.resolve(cache).path : undefined;
  if (real === undefined) return;
  for (const name of context.tree.list(real)) {
    if (name.startsWith(`${stem}.cpython-`) && name.endsWith('.pyc') && !/\.opt-\d\.pyc$/.test(name)) {
      context.keep(posix.join(cache, name), { ...reason, detail: `bytecode of ${source}, read instead of compiling it` });
    }
  }
}

/**
 * Finds one name in the given directories as `PathFinder` would: in each directory a package, then an
 * extension module (`name.cpython-311-x86_64-linux-gnu.so`, `name.abi3.so`, `name.so`), then `name.py`,
 * then a sourceless `name.pyc`; a plain directory is a namespace portion, used only if nothing else matches.
 */
function findName(context: AnalysisContext, name: string, dirs: readonly string[]): ModuleLocation | undefined {
  const portions: string[] = [];
  for (const dir of dirs) {
    const candidate = posix.join(dir, name);
    const entry = entryAt(context, candidate);
    if (entry?.type === 'dir') {
      if (entryAt(context, posix.join(candidate, '__init__.py')) || entryAt(context, posix.join(candidate, '__init__.pyc'))) {
        return { kind: 'package', path: candidate };
      }
    }
    const real = entryAt(context, dir)?.type === 'dir' ? context.tree.resolve(dir).path : undefined;
    if (real !== undefined) {
      const extension = context.tree.list(real).find((file) => file.startsWith(`${name}.`) && file.endsWith('.so') && /^\.(?:[\w-]+\.)?so$/.test(file.slice(name.length)));
      if (extension) return { kind: 'file', path: posix.join(dir, extension) };
    }
    for (const suffix of ['.py', '.pyc']) {
      const file = entryAt(context, `${candidate}${suffix}`);
      if (file && file.type !== 'dir') return { kind: 'file', path: `${candidate}${suffix}` };
    }
    if (entry?.type === 'dir') portions.push(candidate);
  }
  return portions.length > 0 ? { kind: 'namespace', portions } : undefined;
}

/** Whether a file name is a Python module (source, bytecode, extension) rather than package data. */
function isModuleFile(name: string): boolean {
  return /\.(?:py|pyc|pyi|pyw)$/.test(name) || /^[A-Za-z_]\w*\.(?:[\w-]+\.)?so$/.test(name);
}

/**
 * Keeps a package's own start-up file (`__init__`) and its data files — everything in its tree that is not
 * a module and not inside a subpackage (`pydoc_data/topics.py` is a module, `lib2to3/Grammar.txt` data read
 * through `__file__`): submodules are kept when something imports them.
 */
function keepPackage(context: AnalysisContext, dir: string, reason: Reason): void {
  context.keep(dir, reason);
  for (const init of ['__init__.py', '__init__.pyc']) {
    const path = posix.join(dir, init);
    if (entryAt(context, path) && context.keep(path, reason) !== undefined) {
      keepBytecodeOf(context, path, reason);
      break;
    }
  }
  const real = context.tree.resolve(dir).path;
  const walk = (current: string, shown: string): void => {
    for (const name of context.tree.list(current)) {
      const path = posix.join(current, name);
      const entry = context.tree.lstat(path);
      if (!entry || name === '__pycache__') continue;
      if (entry.type === 'dir') {
        // A subpackage is imported on its own; a plain directory (templates, vendored data) is data.
        if (!context.tree.lstat(posix.join(path, '__init__.py')) && !context.tree.lstat(posix.join(path, '__init__.pyc'))) walk(path, posix.join(shown, name));
        continue;
      }
      if (!isModuleFile(name)) context.keep(posix.join(shown, name), { ...reason, detail: `data file of package ${dir} (${reason.detail})` });
    }
  };
  walk(real, dir);
}

/**
 * Keeps what importing `dotted` from `dirs` loads: each package on the way (its `__init__` and data), then
 * the module itself; returns false when its first part is not found. A module file kept is added to
 * `record` (its real path) when given.
 */
function keepModule(context: AnalysisContext, dotted: string, dirs: readonly string[], reason: Reason, record?: Set<string>): boolean {
  let search = dirs;
  const parts = dotted.split('.');
  for (let index = 0; index < parts.length; index++) {
    const location = findName(context, parts[index], search);
    if (!location) return index > 0;
    if (location.kind === 'package') {
      keepPackage(context, location.path, reason);
      search = [location.path];
      continue;
    }
    if (location.kind === 'file') {
      const real = context.keep(location.path, reason);
      if (real !== undefined) {
        record?.add(real);
        // The cache sits beside the path Python imported, which may be a symlink (Debian's sitecustomize.py).
        keepBytecodeOf(context, location.path, reason);
      }
      return true;
    }
    for (const portion of location.portions) context.keep(portion, reason);
    search = location.portions;
  }
  return true;
}

/** Where a dotted module name leads along `dirs`, without keeping anything; undefined unless every part is found. */
export function locateModule(context: AnalysisContext, dotted: string, dirs: readonly string[]): string | undefined {
  let search = dirs;
  let found: string | undefined;
  for (const part of dotted.split('.')) {
    const location = findName(context, part, search);
    if (!location) return undefined;
    if (location.kind === 'file') {
      if (found !== undefined && search.length === 0) return undefined;
      found = location.path;
      search = [];
      continue;
    }
    found = location.kind === 'package' ? location.path : location.portions[0];
    search = location.kind === 'package' ? [location.path] : location.portions;
  }
  return found;
}

/**
 * The package directory a source file belongs to (its own directory when that holds an `__init__`),
 * walking up to the top-level package; undefined for a plain module on sys.path.
 */
function topPackageOf(context: AnalysisContext, file: string): string | undefined {
  let top: string | undefined;
  for (let dir = posix.dirname(file); dir !== '/'; dir = posix.dirname(dir)) {
    if (!entryAt(context, posix.join(dir, '__init__.py')) && !entryAt(context, posix.join(dir, '__init__.pyc'))) break;
    top = dir;
  }
  return top;
}

/** Built-in module names of an interpreter: its own and its libpython's `PyInit_<name>` symbols. */
async function builtinModules(context: AnalysisContext, layout: PythonLayout, state: PythonState): Promise<Set<string>> {
  const cached = state.builtins.get(layout.interpreter);
  if (cached) return cached;
  const names = new Set(CORE_BUILTINS);
  const binaries = [layout.interpreter, posix.join(layout.prefix, 'lib', `libpython${layout.version}.so.1.0`), `/usr/lib/x86_64-linux-gnu/libpython${layout.version}.so.1.0`];
  for (const binary of binaries) {
    if (entryAt(context, binary)?.type !== 'file') continue;
    const content = await context.read(binary);
    const marker = Buffer.from('PyInit_');
    for (let at = content.indexOf(marker); at !== -1; at = content.indexOf(marker, at + 1)) {
      let end = at + marker.length;
      while (end < content.length && /\w/.test(String.fromCharCode(content[end]))) end++;
      if (content[end] === 0 && end > at + marker.length) names.add(content.subarray(at + marker.length, end).toString('latin1'));
    }
  }
  state.builtins.set(layout.interpreter, names);
  return names;
}

/** The directories a file's imports search: the script's own directory first for application files. */
function importDirs(file: string, layout: PythonLayout, application: boolean): string[] {
  return application ? [posix.dirname(file), ...layout.searchPath] : layout.searchPath;
}

/** Whether a file belongs to the interpreter's installation (stdlib, site dirs) rather than the application. */
function isLibraryFile(file: string, layout: PythonLayout): boolean {
  return isUnder(file, layout.stdlib) || layout.siteDirs.some((dir) => isUnder(file, dir)) || isUnder(file, posix.join(layout.prefix, 'lib', `python${layout.version.split('.')[0]}`));
}

/**
 * Function-level imports on interpreter paths a container never takes: the interactive helpers `site`
 * installs. `sys.__interactivehook__` (site.register_readline) runs only when the REPL starts, and
 * `help()` (_sitebuiltins._Helper.__call__) is the interactive help, which imports pydoc and with it most
 * of the stdlib. Every other import inside a function is followed: a library function may be called.
 */
const INTERACTIVE_ONLY: { file: string; function: string }[] = [
  { file: 'site.py', function: 'register_readline' },
  { file: '_sitebuiltins.py', function: '__call__' },
];

/** Whether a stdlib file's import is on a path the program does not take (see {@link INTERACTIVE_ONLY}, `test`). */
function stdlibPathNotTaken(file: string, found: PythonImport): boolean {
  const name = posix.basename(file);
  if (INTERACTIVE_ONLY.some((skip) => skip.file === name && found.scope.functions.includes(skip.function))) return true;
  // Lib/test is CPython's own regression suite: stdlib modules import it only in their test helpers.
  return found.level === 0 && (found.module === 'test' || found.module.startsWith('test.'));
}

/**
 * Modules that need a terminal or a display: the debugger, the interactive console and help, line
 * editing, Tk. A library that imports one inside a function does so for a developer at a keyboard
 * (`pdb.set_trace()` in a debugging helper, `help()`); a container's program runs without one. Imported
 * at module level they are followed like any other.
 */
const INTERACTIVE_MODULES = new Set(['pdb', 'pydoc', 'code', 'readline', 'rlcompleter', 'tkinter', 'turtle', 'idlelib']);

/** Whether a library file's import inside a function loads an interactive module. */
function interactiveOnly(found: PythonImport): boolean {
  return found.level === 0 && found.scope.functions.length > 0 && INTERACTIVE_MODULES.has(found.module.split('.')[0]);
}

/**
 * Whether an import of a module run by a `.pth` line is deferred: `.pth` import lines run at every
 * interpreter start, for every program, so what they import defers its work to hooks (setuptools'
 * `_distutils_hack` installs an import hook that acts only when the program imports distutils, and falls
 * back to the stdlib's when setuptools is absent). Its module-level imports and those inside the functions
 * the `.pth` line calls are followed; the hooks' own are not.
 */
function deferredByStartupHook(path: string, found: PythonImport, state: PythonState): boolean {
  return state.pthModules.has(path) && found.scope.functions.length > 0 && !found.scope.functions.some((name) => state.pthCalls.has(name));
}

/** Keeps the targets of the imports found in one file. */
async function followImports(
  context: AnalysisContext,
  by: string,
  imports: readonly PythonImport[],
  layout: PythonLayout,
  application: boolean,
  state: PythonState,
): Promise<void> {
  const dirs = importDirs(by, layout, application);
  const builtins = await builtinModules(context, layout, state);
  const importable = (module: string): boolean => builtins.has(module) || locateModule(context, module, dirs) !== undefined;
  for (const found of imports) {
    // `except ImportError:` after a `try:` whose imports all resolve here is a fallback that is not taken.
    if (found.scope.fallbackFor !== undefined && found.scope.fallbackFor.every(importable)) continue;
    const shown = found.kind === 'from' ? `from ${'.'.repeat(found.level)}${found.module} import ${found.names.join(', ')}` : `import ${'.'.repeat(found.level)}${found.module}`;
    const where = found.scope.functions.length > 0 ? ` in function ${found.scope.functions.join('.')}` : '';
    const reason: Reason = { rule: 'python-import', by, detail: `${shown} at line ${found.line}${where}`, origin: { path: by, line: found.line } };
    let base = posix.dirname(by);
    // A relative import is relative to the file's package: one dot is its own directory.
    for (let up = 1; up < found.level; up++) base = posix.dirname(base);
    const searched = found.level > 0 ? [base] : dirs;
    if (found.module === '') {
      if (found.level > 0) for (const name of found.names) if (name !== '*') keepModule(context, name, [base], reason);
      continue;
    }
    const resolved = keepModule(context, found.module, searched, reason);
    if (resolved && found.kind === 'from') {
      // `from pkg import name` imports the submodule pkg.name when there is one; `*` the ones `__all__` lists.
      for (const name of found.names) if (name !== '*') keepModule(context, `${found.module}.${name}`, searched, reason);
      const star = found.names.includes('*') ? locateModule(context, found.module, searched) : undefined;
      if (star !== undefined && entryAt(context, star)?.type === 'dir') context.keepTree(star, { ...reason, detail: `${reason.detail}: a star import of a package imports the submodules its __all__ names` }, notBytecodeCache);
    }
    if (!resolved && application && found.level === 0) {
      const top = found.module.split('.')[0];
      if (!builtins.has(top)) {
        context.warn(`${by}: line ${found.line}: ${shown}: no module ${top} on the sys.path of ${layout.interpreter} (${dirs.join(':')}) nor built into it`);
      }
    }
  }
}

/** Distributions on an interpreter's sys.path, read once per interpreter. */
function distributionsOf(context: AnalysisContext, layout: PythonLayout, state: PythonState): Promise<Distribution[]> {
  let found = state.distributions.get(layout.interpreter);
  if (!found) state.distributions.set(layout.interpreter, (found = findDistributions(context, layout.searchPath)));
  return found;
}

function keepDistribution(context: AnalysisContext, distribution: Distribution, reason: Reason): void {
  if (entryAt(context, distribution.metadata)?.type === 'dir') context.keepTree(distribution.metadata, reason);
  else context.keep(distribution.metadata, reason);
}

/** Keeps an entry point's module (and the metadata naming it), as `EntryPoint.load()` imports it. */
function keepEntryPoint(context: AnalysisContext, distribution: Distribution, entry: EntryPoint, layout: PythonLayout, by: string): void {
  keepDistribution(context, distribution, { rule: 'python-metadata', by, detail: `metadata of ${distribution.displayName}, whose entry point ${entry.group}/${entry.name} is loaded` });
  const reason: Reason = { rule: 'python-entry-point', by, detail: `entry point ${entry.name} of group ${entry.group} in ${distribution.displayName}: module ${entry.module}`, origin: entry.origin };
  if (!keepModule(context, entry.module, layout.searchPath, reason)) context.warn(`${entry.origin.path}: line ${entry.origin.line}: entry point module ${entry.module} is not on sys.path`);
}

/**
 * Metadata lookups with literal names (`importlib.metadata.version('gunicorn')`, `distribution(…)`,
 * `pkg_resources.get_distribution(…)`, `load_entry_point('gunicorn==20.1.0', 'console_scripts', 'gunicorn')`,
 * `entry_points(group='…', name='…')`, `iter_entry_points('group')`): keep the metadata of the
 * distributions named and the modules of the entry points selected.
 */
async function followMetadataCalls(context: AnalysisContext, path: string, calls: readonly PythonLiteralCall[], layout: PythonLayout, state: PythonState, application: boolean): Promise<void> {
  const distributions = await distributionsOf(context, layout, state);
  const byName = (requirement: string | undefined): Distribution | undefined => {
    const name = requirement === undefined ? undefined : requirementName(requirement);
    return name === undefined ? undefined : distributions.find((distribution) => distribution.name === normalizeDistributionName(name));
  };
  for (const call of calls) {
    const origin = { path, line: call.line };
    const named = ['version', 'distribution', 'metadata', 'requires', 'files', 'get_distribution', 'require', 'load_entry_point', 'get_entry_info', 'get_entry_map'].includes(call.name);
    const requirement = call.args[0] ?? call.keywords.distribution_name ?? call.keywords.dist;
    if (named && requirement !== undefined) {
      const distribution = byName(requirement);
      if (distribution === undefined) {
        if (application) context.warn(`${path}: line ${call.line}: ${call.callee}('${requirement}'): no distribution of that name on the sys.path of ${layout.interpreter}`);
        continue;
      }
      keepDistribution(context, distribution, { rule: 'python-metadata', by: path, detail: `${call.callee}('${requirement}') at line ${call.line} reads the metadata of ${distribution.displayName}`, origin });
      if (call.name === 'load_entry_point' || call.name === 'get_entry_info') {
        const [group, name] = [call.args[1] ?? call.keywords.group, call.args[2] ?? call.keywords.name];
        for (const entry of distribution.entryPoints) {
          if (entry.group === group && (name === undefined || entry.name === name)) keepEntryPoint(context, distribution, entry, layout, path);
        }
      }
      continue;
    }
    if (call.name === 'entry_points' || call.name === 'iter_entry_points') {
      const group = call.name === 'iter_entry_points' ? (call.args[0] ?? call.keywords.group) : call.keywords.group;
      const name = call.name === 'iter_entry_points' ? (call.args[1] ?? call.keywords.name) : call.keywords.name;
      if (group === undefined) continue;
      for (const distribution of distributions) {
        for (const entry of distribution.entryPoints) {
          if (entry.group === group && (name === undefined || entry.name === name)) keepEntryPoint(context, distribution, entry, layout, path);
        }
      }
    }
  }
}

/**
 * Codec names: `codecs.lookup` imports `encodings.<name>` for the normalized name or its alias
 * (Lib/encodings/__init__.py `search_function`), so the codecs a program can use are those named by string
 * literals of its kept sources where an encoding name goes (`open(…, encoding="shift_jis")`,
 * `.decode('latin-1')`, `DEFAULT_CHARSET = 'utf-8'`; the codec package's own alias table excepted), by the locale
 * variables and PYTHONIOENCODING, and the UTF-8, ASCII and Latin-1 codecs the interpreter itself names.
 */
async function keepNamedCodecs(context: AnalysisContext, layout: PythonLayout, names: Iterable<string>, by: string, origin?: { path: string; line: number }): Promise<void> {
  const state = stateOf(context);
  const encodings = posix.join(layout.stdlib, 'encodings');
  let aliases = state.codecAliases.get(layout.stdlib);
  if (aliases === undefined) {
    aliases = new Map();
    const file = posix.join(encodings, 'aliases.py');
    if (entryAt(context, file)) {
      for (const match of (await context.read(file)).toString('utf8').matchAll(/^\s*'([\w.]+)'\s*:\s*'(\w+)'/gm)) aliases.set(match[1], match[2]);
    }
    state.codecAliases.set(layout.stdlib, aliases);
  }
  for (const raw of names) {
    if (raw.length > 40 || !/^[A-Za-z0-9][\w.\- ]*$/.test(raw)) continue;
    const normalized = raw.toLowerCase().replace(/[^a-z0-9.]+/g, '_').replace(/^_+|_+$/g, '');
    for (const module of new Set([aliases.get(normalized), aliases.get(normalized.replace(/\./g, '_')), normalized])) {
      if (module === undefined || !/^\w+$/.test(module) || module === '__init__' || module === 'aliases') continue;
      const key = `${layout.stdlib}:${module}`;
      if (state.codecs.has(key) || !entryAt(context, posix.join(encodings, `${module}.py`))) continue;
      state.codecs.add(key);
      keepModule(context, `encodings.${module}`, layout.searchPath, { rule: 'python-codec', by, detail: `codec ${module} for the encoding name '${raw}'`, origin });
    }
  }
}

/** A name whose modules Python looks up by string at run time: handled by codec names, not kept whole. */
const CODEC_PACKAGE = 'encodings';

/** Scans one kept Python source file and follows its imports for every interpreter it may run under. */
async function inspectSource(context: AnalysisContext, path: string, state: PythonState): Promise<void> {
  const text = (await context.read(path)).toString('utf8');
  const scan = scanPythonImports(text);
  const owners = state.layouts.filter((layout) => isLibraryFile(path, layout));
  const layouts = owners.length > 0 ? owners : state.layouts;
  const application = owners.length === 0 && !state.startupFiles.has(path);
  for (const layout of layouts) {
    // The stdlib's `__main__` parts run only with `python3 -m`, which pythonModuleCommandRule follows.
    const stdlib = isUnder(path, layout.stdlib);
    if (stdlib && posix.basename(path) === '__main__.py') continue;
    const library = stdlib || layout.siteDirs.some((dir) => isUnder(path, dir));
    const imports = scan.imports.filter(
      (found) => !(stdlib && (!runsOnImport(found) || stdlibPathNotTaken(path, found))) && !(library && interactiveOnly(found)) && !deferredByStartupHook(path, found, state),
    );
    await followImports(context, path, imports, layout, application, state);
    const calls = stdlib ? scan.calls.filter((call) => runsOnImport({ scope: call.scope } as PythonImport)) : scan.calls;
    await followMetadataCalls(context, path, calls, layout, state, application);
    for (const call of calls) {
      const name = call.args[0];
      if (name === undefined || !/^[\w.+/-]+$/.test(name)) continue;
      const reason: Reason = { rule: 'python-ctypes', by: path, detail: `${call.callee}('${name}') at line ${call.line}`, origin: { path, line: call.line } };
      let problem: string | undefined;
      if (call.name === 'find_library') problem = await keepFoundLibrary(context, name, reason);
      else if (call.name === 'CDLL' || call.name === 'PyDLL' || call.name === 'LoadLibrary') problem = await keepLoadedLibrary(context, name, reason);
      if (problem !== undefined && application) context.warn(`${path}: line ${call.line}: ${problem}`);
    }
    if (!isUnder(path, posix.join(layout.stdlib, CODEC_PACKAGE))) await keepNamedCodecs(context, layout, scan.encodings, path);
    if (scan.dynamic.length > 0 && !application) {
      // A package that imports modules by computed names (plugins, vendored packages, lazy submodules)
      // may load any module of its own: keep them all. The stdlib's do so within their own subpackage.
      const dir = stdlib ? (entryAt(context, posix.join(posix.dirname(path), '__init__.py')) ? posix.dirname(path) : undefined) : topPackageOf(context, path);
      if (dir !== undefined && posix.basename(dir) !== CODEC_PACKAGE && !state.wholePackages.has(dir)) {
        state.wholePackages.add(dir);
        const call = scan.dynamic[0];
        context.keepTree(dir, { rule: 'python-import', by: path, detail: `${call.call} at line ${call.line} imports a module named at run time: every module of package ${dir} is kept`, origin: { path, line: call.line } }, notBytecodeCache);
      }
    }
    if (posix.basename(path) === '__init__.py' && posix.basename(posix.dirname(path)) === 'pkg_resources' && layout.siteDirs.some((dir) => isUnder(path, dir))) {
      // Importing pkg_resources builds its working set: every distribution on sys.path, with its metadata.
      for (const distribution of await distributionsOf(context, layout, state)) {
        keepDistribution(context, distribution, { rule: 'python-metadata', by: path, detail: 'pkg_resources reads the metadata of every distribution on sys.path when imported (its working set)' });
      }
    }
  }
  if (application) {
    for (const call of scan.dynamic) {
      context.warn(`${path}: line ${call.line} imports a module named at run time (${call.call}); keep it with --keep if the program needs it`);
    }
  }
}

/**
 * A C extension module imports Python modules by name (`PyImport_ImportModule("numbers")` in `_decimal`):
 * the names are C strings of the extension. Those that are modules on sys.path are kept, when the
 * extension calls the import API at all.
 */
async function followExtensionImports(context: AnalysisContext, path: string, state: PythonState): Promise<void> {
  for (const layout of state.layouts) {
    if (!isLibraryFile(path, layout) || !layout.searchPath.includes(posix.dirname(path))) continue;
    const content = await context.read(path);
    if (content.indexOf('PyImport_Import') === -1) return;
    const own = posix.basename(path).split('.')[0];
    const names = new Set<string>();
    for (let start = 0; start < content.length; ) {
      const end = content.indexOf(0, start);
      if (end === -1) break;
      if (end - start >= 2 && end - start <= 60) {
        const text = content.subarray(start, end).toString('latin1');
        if (/^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*$/.test(text) && text !== own) names.add(text);
      }
      start = end + 1;
    }
    for (const name of names) {
      if (locateModule(context, name, layout.searchPath) === undefined) continue;
      keepModule(context, name, layout.searchPath, { rule: 'python-import', by: path, detail: `the C extension names module ${name} (imported with PyImport_ImportModule)` });
    }
    return;
  }
}

/** Keeps the metadata of the distribution that installed a kept file of a site directory (importlib.metadata reads it by name). */
async function keepOwningDistribution(context: AnalysisContext, path: string, state: PythonState): Promise<void> {
  for (const layout of state.layouts) {
    const site = layout.siteDirs.find((dir) => isUnder(path, dir) && path !== dir);
    if (site === undefined) continue;
    const top = path.slice(site.length + 1).split('/')[0].replace(/\..*$/, '');
    const key = `${site}/${top}`;
    if (state.owned.has(key)) continue;
    state.owned.add(key);
    for (const distribution of await distributionsOf(context, layout, state)) {
      if (distribution.site === site && distribution.topLevel.includes(top)) {
        keepDistribution(context, distribution, { rule: 'python-metadata', by: path, detail: `metadata of ${distribution.displayName}, which installed ${top} (read by importlib.metadata and pkg_resources)` });
      }
    }
  }
}

/** Keeps what an interpreter reads before running the program, and registers its layout. */
async function startInterpreter(context: AnalysisContext, interpreter: string, state: PythonState): Promise<void> {
  if (state.layouts.some((layout) => layout.interpreter === interpreter)) return;
  const layout = await discoverPythonLayout(context, interpreter);
  if (!layout) {
    context.warn(`${interpreter}: no Python standard library (lib/python3.X/os.py) found for this interpreter; its modules are not followed`);
    return;
  }
  state.layouts.push(layout);
  const by = interpreter;
  if (!layout.sources) {
    // Bytecode-only stdlib: the scan reads sources, so keep the whole runtime rather than guess.
    context.warn(`${layout.stdlib} holds bytecode only; kept whole since its imports cannot be scanned`);
    context.keepTree(layout.stdlib, { rule: 'python-runtime', by, detail: `sourceless standard library of Python ${layout.version}` }, notBytecodeCache);
  }
  const stdlibReason: Reason = { rule: 'python-stdlib', by, detail: `imported at start-up by Python ${layout.version}` };
  for (const dir of layout.searchPath) {
    if (dir.endsWith('.zip')) context.keep(dir, { rule: 'python-stdlib', by, detail: `zipped standard library on sys.path` });
  }
  context.keep(posix.join(layout.stdlib, 'lib-dynload'), { rule: 'python-stdlib', by, detail: 'exec_prefix landmark (Modules/getpath.py)' });
  // PEP 538: in the C or POSIX locale (a container's default) Python switches LC_CTYPE to C.UTF-8.
  keepCUtf8Locale(context, { rule: 'python-locale', by, detail: 'C.UTF-8 locale coercion (PEP 538)' });
  for (const module of STARTUP_MODULES) {
    if (!keepModule(context, module, layout.searchPath, stdlibReason)) context.warn(`${interpreter}: start-up module ${module} is missing from ${layout.stdlib}`);
  }
  for (const module of OPTIONAL_STARTUP_MODULES) {
    keepModule(context, module, layout.searchPath, { rule: 'python-site', by, detail: `site imports ${module} when present` }, state.startupFiles);
  }
  // sysconfig imports `_sysconfigdata_<abi>_<platform>_<multiarch>` by a computed name.
  for (const name of context.tree.list(context.tree.resolve(layout.stdlib).path)) {
    if (/^_sysconfigdata.*\.py$/.test(name)) context.keep(posix.join(layout.stdlib, name), { rule: 'python-stdlib', by, detail: 'imported by sysconfig under a computed name' });
  }
  if (layout.venvConfig) context.keep(layout.venvConfig, { rule: 'python-site', by, detail: 'venv configuration read at start-up' });
  for (const site of [...layout.siteDirs]) {
    for (const name of context.tree.list(context.tree.resolve(site).path)) {
      if (!name.endsWith('.pth')) continue;
      const pth = posix.join(site, name);
      if (context.keep(pth, { rule: 'python-site', by, detail: `site reads every .pth file of ${site}` }) === undefined) continue;
      await followPth(context, pth, site, layout, state);
    }
  }
  const localeCharsets = ['LC_ALL', 'LC_CTYPE', 'LANG'].map((name) => context.env.get(name)?.split('.')[1]?.split('@')[0]);
  const codecNames = ['utf-8', 'ascii', 'latin-1', context.env.get('PYTHONIOENCODING')?.split(':')[0], ...localeCharsets];
  await keepNamedCodecs(context, layout, codecNames.filter((name): name is string => name !== undefined && name !== ''), by);
  const pending = state.pending.splice(0);
  for (const path of pending) await inspectSource(context, path, state);
}

/**
 * A `.pth` line starting with `import` is executed; any other non-comment line is a directory appended
 * to sys.path (Lib/site.py `addpackage`).
 */
async function followPth(context: AnalysisContext, pth: string, site: string, layout: PythonLayout, state: PythonState): Promise<void> {
  const text = (await context.read(pth)).toString('utf8');
  for (const line of text.split('\n')) {
    const trimmed = line.trimEnd();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^import[ \t]/.test(trimmed)) {
      const scan = scanPythonImports(trimmed);
      for (const call of trimmed.matchAll(/\.\s*([A-Za-z_]\w*)\s*\(/g)) state.pthCalls.add(call[1]);
      for (const found of scan.imports) {
        const module = locateModule(context, found.module, layout.searchPath);
        if (module === undefined) continue;
        const file = entryAt(context, module)?.type === 'dir' ? posix.join(module, '__init__.py') : module;
        if (entryAt(context, file)) state.pthModules.add(context.tree.resolve(file).path);
      }
      await followImports(context, pth, scan.imports, layout, false, state);
      continue;
    }
    const dir = posix.resolve(site, trimmed);
    if (entryAt(context, dir)?.type === 'dir' && !layout.searchPath.includes(dir)) {
      layout.searchPath.push(dir);
      context.keep(dir, { rule: 'python-site', by: pth, detail: `sys.path entry ${trimmed}` });
    }
  }
}

function isPythonSource(path: string, head: Buffer): boolean {
  if (path.endsWith('.py')) return true;
  if (head[0] !== 0x23 || head[1] !== 0x21) return false;
  const end = head.indexOf(0x0a);
  return /python[\d.]*\b/.test(head.subarray(0, end === -1 ? head.length : end).toString('utf8'));
}

export const pythonRule: FileRule = {
  id: 'python',
  description: 'Python interpreters, their start-up files and the modules Python sources import',
  async inspect(file, context) {
    const state = stateOf(context);
    if (pythonInterpreterName(file.path) && (file.entry.mode & 0o111) !== 0) {
      await startInterpreter(context, file.path, state);
      return;
    }
    await keepOwningDistribution(context, file.path, state);
    if (hasElfMagic(file.head) && /\.so$/.test(file.path)) {
      await followExtensionImports(context, file.path, state);
      return;
    }
    if (!isPythonSource(file.path, file.head)) return;
    // However a source came to be kept (import, .pth, sitecustomize), Python reads its bytecode if present.
    keepBytecodeOf(context, file.path, { rule: 'python-bytecode', by: file.path, detail: 'bytecode cache' });
    if (state.layouts.length === 0) {
      state.pending.push(file.path);
      return;
    }
    await inspectSource(context, file.path, state);
  },
};

/**
 * `python3 -m pkg.module` runs a module found along sys.path with the working directory first
 * (Python docs, "-m"): keep it, as the roots rule only keeps arguments that are paths.
 */
export const pythonModuleCommandRule: ImageRule = {
  id: 'python-module',
  description: 'keeping the module run by python -m',
  async apply(context) {
    const argv = [...(context.config.Entrypoint ?? []), ...(context.config.Cmd ?? [])];
    const at = argv.findIndex((arg) => pythonInterpreterName(arg) !== undefined);
    if (at === -1) return;
    const flag = argv.indexOf('-m', at + 1);
    if (flag === -1 || flag + 1 >= argv.length) return;
    const program = context.which(argv[at]);
    if (program === undefined) return;
    const layout = await discoverPythonLayout(context, context.tree.resolve(program).path);
    if (!layout) return;
    const module = argv[flag + 1];
    const reason: Reason = { rule: 'python-module', by: context.tree.resolve(program).path, detail: `${argv[at]} -m ${module}` };
    const dirs = [context.workdir, ...layout.searchPath];
    if (!keepModule(context, module, dirs, reason)) {
      context.warn(`${argv[at]} -m ${module}: no such module on sys.path (${dirs.join(':')})`);
      return;
    }
    // `-m pkg` runs pkg.__main__.
    const found = locateModule(context, module, dirs);
    if (found !== undefined && entryAt(context, found)?.type === 'dir') keepModule(context, `${module}.__main__`, dirs, reason);
  },
};

/** `module`, `pkg.module:attr`, `pkg.module.Class`: a dotted name a Python program may import by name. */
const DOTTED_NAME = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::[A-Za-z_][\w.]*(?:\(.*\))?)?$/;

/** The Python interpreter a program runs under: itself, or its `#!` interpreter (through `env`). */
async function pythonInterpreterOf(context: AnalysisContext, program: string): Promise<string | undefined> {
  const real = entryAt(context, program) ? context.tree.resolve(program).path : undefined;
  if (real === undefined) return undefined;
  if (pythonInterpreterName(real) || pythonInterpreterName(program)) return real;
  const head = (await context.read(real)).subarray(0, 256);
  const shebang = parseShebang(head);
  if (!shebang) return undefined;
  let interpreter = shebang.interpreter;
  if (posix.basename(interpreter) === 'env' && shebang.argument) {
    const name = shebang.argument.split(/\s+/).find((word) => !word.startsWith('-') && !word.includes('='));
    const found = name === undefined ? undefined : context.which(name);
    if (found === undefined) return undefined;
    interpreter = found;
  }
  if (!pythonInterpreterName(interpreter) || !entryAt(context, interpreter)) return undefined;
  return context.tree.resolve(interpreter).path;
}

/**
 * Dotted names on a Python program's command line and in the image ENV: servers and task runners import
 * their application, worker class or settings by name (`gunicorn app:application`, `-k
 * gunicorn.workers.sync.SyncWorker`, `uvicorn main:app`, `flask --app hello`, `celery -A proj`,
 * `DJANGO_SETTINGS_MODULE=site.settings`). An argument of that shape — with a `:` or a dot — that resolves
 * to a module along the working directory, the directories named on the command line (`--chdir`,
 * `--pythonpath`) and sys.path is kept as a module root, as if imported.
 */
export const pythonDottedNamesRule: ImageRule = {
  id: 'python-dotted-name',
  description: 'keeping modules named on a Python command line',
  async apply(context) {
    const entrypoint = context.config.Entrypoint ?? [];
    const cmd = context.config.Cmd ?? [];
    const commands = [[...entrypoint, ...cmd]];
    if (entrypoint.length > 0 && cmd.length > 0) commands.push(cmd);
    for (const argv of commands) {
      const program = argv.length > 0 ? context.which(argv[0]) : undefined;
      if (program === undefined) continue;
      const interpreter = await pythonInterpreterOf(context, program);
      if (interpreter === undefined) continue;
      const layout = await discoverPythonLayout(context, interpreter);
      if (!layout) continue;
      const values = argv.slice(1).map((arg) => (arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg));
      const named = values.map((value) => posix.resolve(context.workdir, value)).filter((path) => values.length > 0 && entryAt(context, path)?.type === 'dir');
      const dirs = [...new Set([context.workdir, ...named, ...layout.searchPath])];
      const by = context.tree.resolve(program).path;
      const candidates = [
        ...values.map((value) => ({ value, detail: `argument ${value} of ${JSON.stringify(argv)}` })),
        ...[...context.env].map(([name, value]) => ({ value, detail: `ENV ${name}=${value}` })),
      ];
      for (const { value, detail } of candidates) {
        const match = DOTTED_NAME.exec(value);
        if (!match || (!value.includes(':') && !value.includes('.'))) continue;
        // `pkg.module.Class`: the longest prefix that is a module is what gets imported.
        const parts = match[1].split('.');
        for (let length = parts.length; length > 0; length--) {
          const module = parts.slice(0, length).join('.');
          if (locateModule(context, module, dirs) === undefined) continue;
          keepModule(context, module, dirs, { rule: 'python-dotted-name', by, detail: `${detail} names module ${module}` });
          break;
        }
      }
    }
  },
};
