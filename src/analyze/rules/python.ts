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
import type { AnalysisContext, FileRule, ImageRule, Reason } from '../types';
import { scanPythonImports, type PythonImport } from './python-imports';
import { discoverPythonLayout, pythonInterpreterName, type PythonLayout } from './python-layout';
import { entryAt, perRun } from './run-state';

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
}

const stateOf = perRun<PythonState>(() => ({ layouts: [], pending: [], startupFiles: new Set(), builtins: new Map() }));


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

/** The bytecode cache files of one source module, `dir/__pycache__/name.cpython-3X.pyc`. */
function keepBytecodeOf(context: AnalysisContext, source: string, reason: Reason): void {
  if (!source.endsWith('.py')) return;
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

/**
 * Keeps what importing `dotted` from `dirs` loads; returns false when its first part is not found. A
 * module file kept is added to `record` (its real path) when given.
 */
function keepModule(context: AnalysisContext, dotted: string, dirs: readonly string[], reason: Reason, record?: Set<string>): boolean {
  let search = dirs;
  const parts = dotted.split('.');
  for (let index = 0; index < parts.length; index++) {
    const location = findName(context, parts[index], search);
    if (!location) return index > 0 && search !== dirs;
    if (location.kind === 'package') {
      context.keepTree(location.path, reason, notBytecodeCache);
      return true;
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
  for (const found of imports) {
    const shown = found.kind === 'from' ? `from ${'.'.repeat(found.level)}${found.module} import ${found.names.join(', ')}` : `import ${'.'.repeat(found.level)}${found.module}`;
    const reason: Reason = { rule: 'python-import', by, detail: `${shown} at line ${found.line}` };
    if (found.level > 0) {
      // A relative import is relative to the file's package: one dot is its own directory.
      let base = posix.dirname(by);
      for (let up = 1; up < found.level; up++) base = posix.dirname(base);
      if (found.module !== '') keepModule(context, found.module, [base], reason);
      else for (const name of found.names) if (name !== '*') keepModule(context, name, [base], reason);
      continue;
    }
    if (found.module === '') continue;
    const resolved = keepModule(context, found.module, dirs, reason);
    if (resolved && found.kind === 'from') {
      // `from pkg import name` may import the submodule pkg.name; inside a regular package it is kept already.
      for (const name of found.names) if (name !== '*') keepModule(context, `${found.module}.${name}`, dirs, reason);
    }
    if (!resolved && application) {
      const top = found.module.split('.')[0];
      if (!(await builtinModules(context, layout, state)).has(top)) {
        context.warn(`${by}: line ${found.line}: ${shown}: no module ${top} on the sys.path of ${layout.interpreter} (${dirs.join(':')}) nor built into it`);
      }
    }
  }
}

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
    const imports = stdlib ? scan.imports.filter(runsOnImport) : scan.imports;
    await followImports(context, path, imports, layout, application, state);
  }
  if (application) {
    for (const call of scan.dynamic) {
      context.warn(`${path}: line ${call.line} imports a module named at run time (${call.call}); keep it with --keep if the program needs it`);
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
  // PEP 538: in the C or POSIX locale (a container's default) Python switches LC_CTYPE to C.UTF-8, so
  // glibc loads that locale and, with a UTF-8 locale active, its gconv module cache.
  for (const dir of ['/usr/lib/locale/C.utf8', '/usr/lib/locale/C.UTF-8']) {
    if (context.keep(posix.join(dir, 'LC_CTYPE'), { rule: 'python-locale', by, detail: 'C.UTF-8 locale coercion (PEP 538)' }) !== undefined) {
      for (const gconv of ['/usr/lib/x86_64-linux-gnu/gconv', '/usr/lib/aarch64-linux-gnu/gconv', '/usr/lib/gconv']) {
        context.keep(posix.join(gconv, 'gconv-modules.cache'), { rule: 'python-locale', by, detail: 'read by glibc once a UTF-8 locale is active' });
      }
    }
  }
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
      await followImports(context, pth, scanPythonImports(trimmed).imports, layout, false, state);
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
    // `-m pkg` runs pkg.__main__; keeping the package keeps it.
    if (!keepModule(context, module, [context.workdir, ...layout.searchPath], reason)) {
      context.warn(`${argv[at]} -m ${module}: no such module on sys.path (${[context.workdir, ...layout.searchPath].join(':')})`);
    }
  },
};
