/**
 * Node.js: once a `node` executable is kept, every kept JavaScript file (`.js`, `.mjs`, `.cjs`, node
 * shebang scripts) has the modules it loads resolved with Node's algorithm (nodejs.org/api/modules.html
 * "All together"): relative paths as files (`X`, `X.js`, `X.json`, `X.node`) or directories
 * (`package.json` `main`, `index.*`), bare names through `node_modules` folders up the tree, then the
 * global folders (`NODE_PATH`, `$HOME/.node_modules`, `$HOME/.node_libraries`, `<prefix>/lib/node`, and
 * Debian's `/usr/share/nodejs`, `/usr/lib/nodejs`, `/usr/lib/<triplet>/nodejs`).
 *
 * A package is kept whole (its `package.json`, `exports` targets and native `.node` addons, whose
 * libraries the ELF rule then follows) except its own nested `node_modules`: those packages are kept only
 * when something loads them. Each kept file also keeps its nearest `package.json`, whose `type` field
 * decides how Node loads it.
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { scanNodeImports, type NodeImport } from './node-imports';
import { entryAt, perRun } from './run-state';

const INTERPRETER_NAMES = new Set(['node', 'nodejs']);
const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
/** LOAD_AS_FILE's extensions, plus the ES module ones a conservative scan also tries. */
const FILE_EXTENSIONS = ['', '.js', '.json', '.node', '.mjs', '.cjs'];
const INDEX_FILES = ['index.js', 'index.json', 'index.node', 'index.mjs', 'index.cjs'];
/** Module folders Debian's nodejs adds to `module.globalPaths` (its patch to lib/internal/modules). */
const DEBIAN_GLOBAL_DIRS = ['/usr/local/lib/nodejs', '/usr/local/share/nodejs', '/usr/lib/nodejs', '/usr/share/nodejs'];

interface NodeState {
  interpreters: string[];
  /** Sources kept before any interpreter: scanned once one is. */
  pending: string[];
  /** Global module folders of the interpreters found, existing ones only. */
  globalDirs: string[];
}

const stateOf = perRun<NodeState>(() => ({ interpreters: [], pending: [], globalDirs: [] }));


const isFile = (context: AnalysisContext, path: string): boolean => {
  const type = entryAt(context, path)?.type;
  return type === 'file' || type === 'hardlink';
};
const isDir = (context: AnalysisContext, path: string): boolean => entryAt(context, path)?.type === 'dir';

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

async function readJson(context: AnalysisContext, path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse((await context.read(path)).toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** NODE_MODULES_PATHS(START): `<dir>/node_modules` for START and each ancestor not itself named node_modules. */
function nodeModulesPaths(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = start; ; dir = posix.dirname(dir)) {
    if (posix.basename(dir) !== 'node_modules') dirs.push(posix.join(dir, 'node_modules'));
    if (dir === '/') break;
  }
  return dirs;
}

/** The nearest directory at or above `dir` holding a package.json. */
function packageScope(context: AnalysisContext, dir: string): string | undefined {
  for (let current = dir; ; current = posix.dirname(current)) {
    if (isFile(context, posix.join(current, 'package.json'))) return current;
    if (current === '/') return undefined;
  }
}

/** Every string leaf of an `exports`/`imports`/`main` value (all conditions: which one applies is decided at run time). */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(targets);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

/** LOAD_AS_FILE then LOAD_AS_DIRECTORY; keeps what it finds and returns true, or false when nothing exists. */
async function keepPath(context: AnalysisContext, base: string, reason: Reason): Promise<boolean> {
  for (const extension of FILE_EXTENSIONS) {
    if (isFile(context, `${base}${extension}`)) {
      context.keep(`${base}${extension}`, reason);
      return true;
    }
  }
  if (!isDir(context, base)) return false;
  const manifest = posix.join(base, 'package.json');
  if (isFile(context, manifest)) {
    context.keep(manifest, reason);
    const main = (await readJson(context, manifest))?.main;
    if (typeof main === 'string' && main !== '') {
      const target = posix.resolve(base, main);
      for (const extension of FILE_EXTENSIONS) {
        if (isFile(context, `${target}${extension}`)) {
          context.keep(`${target}${extension}`, reason);
          return true;
        }
      }
      for (const index of INDEX_FILES) {
        if (isFile(context, posix.join(target, index))) {
          context.keep(posix.join(target, index), reason);
          return true;
        }
      }
    }
  }
  for (const index of INDEX_FILES) {
    if (isFile(context, posix.join(base, index))) {
      context.keep(posix.join(base, index), reason);
      return true;
    }
  }
  return false;
}

/** Keeps a whole package directory but not its nested node_modules (kept only when loaded). */
function keepPackage(context: AnalysisContext, dir: string, reason: Reason): void {
  const nested = posix.join(context.tree.resolve(dir).path, 'node_modules');
  context.keepTree(dir, reason, (entry) => entry.path !== nested);
}

/** Resolves one specifier from a file and keeps the result; returns false when nothing was found. */
async function keepSpecifier(context: AnalysisContext, found: NodeImport, from: string, state: NodeState): Promise<boolean> {
  const reason: Reason = { rule: 'node-modules', by: from, detail: `${found.kind === 'require' ? 'require' : found.kind}('${found.specifier}') at line ${found.line}` };
  const specifier = found.specifier.startsWith('file://') ? decodeURIComponent(found.specifier.slice('file://'.length)) : found.specifier;
  const dir = posix.dirname(from);
  if (specifier === '.' || specifier === '..' || /^\.{0,2}\//.test(specifier)) {
    return keepPath(context, posix.resolve(dir, specifier), reason);
  }
  if (specifier.startsWith('#')) {
    // Package imports (`"imports": { "#dep": … }`) map within the nearest package.
    const scope = packageScope(context, dir);
    if (scope === undefined) return false;
    const imports = (await readJson(context, posix.join(scope, 'package.json')))?.imports as Record<string, unknown> | undefined;
    const mapped = imports ? targets(imports[specifier]) : [];
    let kept = false;
    for (const target of mapped) {
      if (target.startsWith('./')) kept = (await keepPath(context, posix.resolve(scope, target), reason)) || kept;
      else if (!isBuiltin(target)) kept = (await keepSpecifier(context, { ...found, specifier: target }, from, state)) || kept;
      else kept = true;
    }
    return kept;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = parts.slice(specifier.startsWith('@') ? 2 : 1).join('/');
  for (const modules of [...nodeModulesPaths(dir), ...state.globalDirs]) {
    const packageDir = posix.join(modules, name);
    if (isDir(context, packageDir)) {
      keepPackage(context, packageDir, reason);
      return subpath === '' || (await keepPath(context, posix.join(packageDir, subpath), reason)) || isDir(context, packageDir);
    }
    if (subpath === '' && (await keepPath(context, packageDir, reason))) return true;
  }
  return false;
}

/** Whether a file is part of an installed package rather than the application. */
function isPackageFile(path: string, state: NodeState): boolean {
  return path.split('/').includes('node_modules') || state.globalDirs.some((dir) => path.startsWith(`${dir}/`));
}

async function inspectSource(context: AnalysisContext, path: string, state: NodeState): Promise<void> {
  const text = (await context.read(path)).toString('utf8');
  const scan = scanNodeImports(text);
  const application = !isPackageFile(path, state);
  const scope = packageScope(context, posix.dirname(path));
  if (scope !== undefined) context.keep(posix.join(scope, 'package.json'), { rule: 'node-package', by: path, detail: 'nearest package.json: its "type" decides CommonJS or ES module' });
  for (const found of scan.imports) {
    if (isBuiltin(found.specifier)) continue;
    const kept = await keepSpecifier(context, found, path, state);
    // Packages often try optional dependencies inside try/catch; only the application's misses are news.
    if (!kept && application) context.warn(`${path}: line ${found.line}: cannot resolve '${found.specifier}' from ${posix.dirname(path)}`);
  }
  if (application) {
    for (const call of scan.dynamic) {
      context.warn(`${path}: line ${call.line}: ${call.kind === 'require' ? 'require()' : 'import()'} of a module named at run time; keep it with --keep if the program needs it`);
    }
  }
}

function globalDirs(context: AnalysisContext, interpreter: string): string[] {
  const dirs: string[] = [];
  for (const entry of (context.env.get('NODE_PATH') ?? '').split(':')) if (entry !== '') dirs.push(posix.resolve(context.workdir, entry));
  const home = context.env.get('HOME') ?? '/root';
  dirs.push(posix.join(home, '.node_modules'), posix.join(home, '.node_libraries'), posix.join(posix.dirname(posix.dirname(interpreter)), 'lib', 'node'));
  dirs.push(...DEBIAN_GLOBAL_DIRS);
  for (const name of context.tree.list('/usr/lib')) if (/-linux-gnu\w*$/.test(name)) dirs.push(`/usr/lib/${name}/nodejs`);
  return dirs.filter((dir) => isDir(context, dir));
}

function isNodeSource(path: string, head: Buffer): boolean {
  if (SOURCE_EXTENSIONS.some((extension) => path.endsWith(extension))) return true;
  if (head[0] !== 0x23 || head[1] !== 0x21) return false;
  const end = head.indexOf(0x0a);
  return /\bnode(js)?\b/.test(head.subarray(0, end === -1 ? head.length : end).toString('utf8'));
}

/**
 * Debian's nodejs loads some internal modules from files instead of its snapshot ("externalized
 * builtins": `NODE_SHARED_BUILTIN_CJS_MODULE_LEXER_LEXER_PATH=/usr/share/nodejs/cjs-module-lexer/lexer.js`,
 * undici, acorn) and fails at start-up without them; the paths are C strings in `libnode.so.NNN`.
 */
async function keepExternalizedBuiltins(context: AnalysisContext, binary: string): Promise<void> {
  const content = await context.read(binary);
  const start = Buffer.from([0, 0x2f]);
  const seen = new Set<string>();
  for (let at = content.indexOf(start); at !== -1; at = content.indexOf(start, at + 1)) {
    const end = content.indexOf(0, at + 1);
    if (end === -1 || end - at > 512) continue;
    const path = content.subarray(at + 1, end).toString('latin1');
    if (!/^\/[\w@.+/-]+\.(?:js|mjs|cjs)$/.test(path) || seen.has(path)) continue;
    seen.add(path);
    if (isFile(context, path)) context.keep(path, { rule: 'node-builtin', by: binary, detail: 'built-in module Node loads from this file (externalized builtin)' });
  }
}

export const nodeRule: FileRule = {
  id: 'node',
  description: 'Node.js interpreters and the modules JavaScript sources load',
  async inspect(file, context) {
    const state = stateOf(context);
    if (INTERPRETER_NAMES.has(posix.basename(file.path)) && (file.entry.mode & 0o111) !== 0) {
      if (state.interpreters.includes(file.path)) return;
      state.interpreters.push(file.path);
      for (const dir of globalDirs(context, file.path)) if (!state.globalDirs.includes(dir)) state.globalDirs.push(dir);
      await keepExternalizedBuiltins(context, file.path);
      for (const path of state.pending.splice(0)) await inspectSource(context, path, state);
      return;
    }
    if (/^libnode\.so/.test(posix.basename(file.path))) {
      await keepExternalizedBuiltins(context, file.path);
      return;
    }
    if (!isNodeSource(file.path, file.head)) return;
    if (state.interpreters.length === 0) {
      state.pending.push(file.path);
      return;
    }
    await inspectSource(context, file.path, state);
  },
};
