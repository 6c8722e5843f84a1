/**
 * Where a CPython interpreter of the image finds its modules: the prefix and stdlib it discovers at start
 * (`Modules/getpath.py`: the landmark `lib/python3.X/os.py` next to the executable's `../lib`, or
 * PYTHONHOME), and the `sys.path` it ends up with after `site` ran (Debian's `dist-packages` directories,
 * python.org's `site-packages`, a venv's `pyvenv.cfg`, PYTHONPATH).
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';

/** A CPython interpreter found in the image and the directories its imports search. */
export interface PythonLayout {
  /** Real path of the interpreter executable. */
  interpreter: string;
  /** `3.11` */
  version: string;
  /** `sys.prefix` before any venv: the directory holding `lib/python3.X`. */
  prefix: string;
  /** The stdlib directory, `<prefix>/lib/python3.X`. */
  stdlib: string;
  /** True when the stdlib holds `os.py` (sources), false when only bytecode (`os.pyc`) is there. */
  sources: boolean;
  /** `sys.path` without the script directory, in order, existing directories and zip files only. */
  searchPath: string[];
  /** `site-packages`/`dist-packages` directories whose `.pth` files `site` reads at start. */
  siteDirs: string[];
  /** A venv configuration file the interpreter reads at start, when it runs from a venv. */
  venvConfig?: string;
}

/** `python3.11`, `python3.12d`, `python3`, `python`: CPython executable names. */
const INTERPRETER_NAME = /^python(\d)(?:\.(\d+))?[dmu]*$/;

/** Recognizes a CPython interpreter executable by its name; returns the major version and the minor if named. */
export function pythonInterpreterName(path: string): { major: string; minor?: string } | undefined {
  const match = INTERPRETER_NAME.exec(posix.basename(path));
  if (!match) return undefined;
  return { major: match[1], minor: match[2] };
}

function isDirectory(context: AnalysisContext, path: string): boolean {
  try {
    return context.tree.resolve(path).entry?.type === 'dir';
  } catch {
    return false;
  }
}

function exists(context: AnalysisContext, path: string): boolean {
  try {
    return context.tree.resolve(path).entry !== undefined;
  } catch {
    return false;
  }
}

/** The `python3.X` directories under `<prefix>/lib`, newest first. */
function versionsUnder(context: AnalysisContext, prefix: string, major: string): string[] {
  const lib = context.tree.resolve(posix.join(prefix, 'lib')).path;
  return context.tree
    .list(lib)
    .map((name) => new RegExp(`^python(${major}\\.\\d+)$`).exec(name)?.[1])
    .filter((version): version is string => version !== undefined)
    .sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]));
}

/** Reads `key = value` lines of a `pyvenv.cfg`. */
function parseVenvConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return values;
}

/**
 * Venvs whose `bin/python*` link the analysis kept and whose `home` is this interpreter's directory: the
 * interpreter runs with the venv's `site-packages` on sys.path. The kept file is the real executable, so
 * the venv is found from the image's `pyvenv.cfg` files and the kept links.
 */
async function keptVenvs(context: AnalysisContext, interpreter: string): Promise<string[]> {
  const venvs: string[] = [];
  for (const entry of context.tree.entries()) {
    if (entry.type !== 'file' || posix.basename(entry.path) !== 'pyvenv.cfg') continue;
    const root = posix.dirname(entry.path);
    const bin = posix.join(root, 'bin');
    const usedLink = context.tree.list(bin).some((name) => INTERPRETER_NAME.test(name) && context.isKept(posix.join(bin, name)));
    if (!usedLink) continue;
    const home = parseVenvConfig((await context.read(entry.path)).toString('utf8')).get('home');
    if (home === undefined) continue;
    let homeReal: string;
    try {
      homeReal = context.tree.resolve(home).path;
    } catch {
      continue;
    }
    if (homeReal === posix.dirname(interpreter) || home === posix.dirname(interpreter)) venvs.push(root);
  }
  return venvs;
}

/**
 * Works out the layout of the interpreter at `interpreter` (a real path). Returns undefined when no stdlib
 * can be found for it: the caller warns, as Python itself would fail with "Could not find platform
 * independent libraries".
 */
export async function discoverPythonLayout(context: AnalysisContext, interpreter: string): Promise<PythonLayout | undefined> {
  const name = pythonInterpreterName(interpreter);
  if (!name) return undefined;
  const home = context.env.get('PYTHONHOME')?.split(':')[0];
  const prefixes = [...new Set([...(home ? [home] : []), posix.dirname(posix.dirname(interpreter)), '/usr/local', '/usr'])];
  for (const prefix of prefixes) {
    const versions = name.minor !== undefined ? [`${name.major}.${name.minor}`] : versionsUnder(context, prefix, name.major);
    for (const version of versions) {
      const stdlib = posix.join(prefix, 'lib', `python${version}`);
      const sources = exists(context, posix.join(stdlib, 'os.py'));
      if (!sources && !exists(context, posix.join(stdlib, 'os.pyc'))) continue;
      const compact = version.replace('.', '');
      const searchPath: string[] = [];
      for (const entry of (context.env.get('PYTHONPATH') ?? '').split(':')) {
        if (entry !== '') searchPath.push(posix.resolve(context.workdir, entry));
      }
      searchPath.push(posix.join(prefix, 'lib', `python${compact}.zip`), stdlib, posix.join(stdlib, 'lib-dynload'));
      const venvs = await keptVenvs(context, interpreter);
      const siteDirs: string[] = [];
      for (const venv of venvs) siteDirs.push(posix.join(venv, 'lib', `python${version}`, 'site-packages'));
      const homes = [context.env.get('HOME') ?? '/root', '/root'];
      // Per-user site (`pip install --user`), then the prefix's own site dirs; Debian's site.py adds
      // /usr/local/lib/python3.X/dist-packages, /usr/lib/python3/dist-packages and /usr/lib/python3.X/dist-packages.
      for (const userHome of new Set(homes)) siteDirs.push(posix.join(userHome, '.local', 'lib', `python${version}`, 'site-packages'));
      siteDirs.push(
        posix.join(prefix, 'lib', `python${version}`, 'site-packages'),
        `/usr/local/lib/python${version}/dist-packages`,
        `/usr/local/lib/python${version}/site-packages`,
        `/usr/lib/python${name.major}/dist-packages`,
        `/usr/lib/python${version}/dist-packages`,
      );
      const existingSites = [...new Set(siteDirs)].filter((dir) => isDirectory(context, dir));
      searchPath.push(...existingSites);
      const venvConfig = venvs.length > 0 ? posix.join(venvs[0], 'pyvenv.cfg') : undefined;
      return {
        interpreter,
        version,
        prefix,
        stdlib,
        sources,
        searchPath: [...new Set(searchPath)].filter((dir) => exists(context, dir)),
        siteDirs: existingSites,
        venvConfig,
      };
    }
  }
  return undefined;
}
