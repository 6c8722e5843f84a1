/**
 * Python distributions: the metadata an installer leaves next to the packages it installed, which
 * `importlib.metadata` and `pkg_resources` read at run time — `name-version.dist-info/` (wheels, PEP 376/
 * 427: METADATA, RECORD, entry_points.txt, top_level.txt) and `name-version.egg-info` (setuptools; a
 * directory with PKG-INFO, entry_points.txt, requires.txt, top_level.txt, or a single PKG-INFO file, as
 * Debian's dist-packages ship them).
 *
 * A lookup finds a distribution by its normalized name (PEP 503: lower case, runs of `-_.` as one
 * separator) in the metadata directories of every sys.path entry; entry points are `name = module:attr`
 * lines under `[group]` headers of entry_points.txt (an ini file, the setuptools "entry points" spec).
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';
import { entryAt } from './run-state';

/** Metadata files above this size are not parsed (a hostile image could name a huge one). */
const METADATA_READ_LIMIT = 1024 * 1024;

/** One entry point line of a distribution's entry_points.txt. */
export interface EntryPoint {
  group: string;
  name: string;
  /** The module part of `module:attr` (or of `module` alone). */
  module: string;
  /** Image path of the entry_points.txt and the 1-based line of this entry. */
  origin: { path: string; line: number };
}

/** One installed distribution found on sys.path. */
export interface Distribution {
  /** Normalized name (`gunicorn`, `typing_extensions`). */
  name: string;
  /** The name as written in the metadata directory name. */
  displayName: string;
  /** The `*.dist-info`/`*.egg-info` directory, or an egg-info file. */
  metadata: string;
  /** The sys.path directory it was found in. */
  site: string;
  /** Top-level module and package names it provides (top_level.txt, RECORD, else its own name). */
  topLevel: string[];
  entryPoints: EntryPoint[];
}

/** PEP 503 normalization, which importlib.metadata applies to both sides of a lookup. */
export function normalizeDistributionName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '_');
}

/**
 * The distribution name of a requirement string as `load_entry_point` and `require` take them:
 * `gunicorn==20.1.0`, `foo[extra]>=1`, `bar; python_version<"3"`.
 */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return match ? match[1] : undefined;
}

/** Parses entry_points.txt: `[group]` headers and `name = module:attr [extras]` lines; `#`/`;` comments. */
export function parseEntryPoints(text: string, path: string): EntryPoint[] {
  const entries: EntryPoint[] = [];
  let group: string | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      group = header[1].trim();
      continue;
    }
    const entry = /^([^=]+?)\s*=\s*([A-Za-z_][\w.]*)\s*(?::\s*[\w.]+)?\s*(?:\[[^\]]*\])?\s*$/.exec(line);
    if (group === undefined || !entry) continue;
    entries.push({ group, name: entry[1], module: entry[2], origin: { path, line: index + 1 } });
  }
  return entries;
}

const METADATA_NAME = /^(.+?)(?:-[^-]*)?\.(dist-info|egg-info)$/;

async function readSmall(context: AnalysisContext, path: string): Promise<string | undefined> {
  const entry = entryAt(context, path);
  if (!entry || (entry.type !== 'file' && entry.type !== 'hardlink') || entry.size > METADATA_READ_LIMIT) return undefined;
  return (await context.read(path)).toString('utf8');
}

/** Reads one metadata directory (or egg-info file) into a distribution. */
async function readDistribution(context: AnalysisContext, site: string, name: string): Promise<Distribution | undefined> {
  const match = METADATA_NAME.exec(name);
  if (!match) return undefined;
  const metadata = posix.join(site, name);
  const isDir = entryAt(context, metadata)?.type === 'dir';
  const topLevel = new Set<string>();
  let entryPoints: EntryPoint[] = [];
  if (isDir) {
    for (const line of ((await readSmall(context, posix.join(metadata, 'top_level.txt'))) ?? '').split('\n')) {
      if (/^[A-Za-z_][\w/]*$/.test(line.trim())) topLevel.add(line.trim().split('/')[0]);
    }
    if (topLevel.size === 0) {
      // RECORD: `path,hash,size` per installed file (PEP 376); the first component of each module path.
      for (const line of ((await readSmall(context, posix.join(metadata, 'RECORD'))) ?? '').split('\n')) {
        const first = line.split(',')[0].split('/')[0];
        const top = /^([A-Za-z_]\w*)(?:\.py|\.[\w-]+\.so)?$/.exec(first);
        if (top && !first.endsWith('-info') && first !== '..') topLevel.add(top[1]);
      }
    }
    const entryPointsFile = posix.join(metadata, 'entry_points.txt');
    const text = await readSmall(context, entryPointsFile);
    if (text !== undefined) entryPoints = parseEntryPoints(text, entryPointsFile);
  }
  if (topLevel.size === 0) topLevel.add(match[1].replace(/[-.]/g, '_'));
  return { name: normalizeDistributionName(match[1]), displayName: match[1], metadata, site, topLevel: [...topLevel], entryPoints };
}

/** Every distribution in the given sys.path directories, in sys.path order (the first of a name wins a lookup). */
export async function findDistributions(context: AnalysisContext, dirs: readonly string[]): Promise<Distribution[]> {
  const found: Distribution[] = [];
  for (const dir of dirs) {
    if (entryAt(context, dir)?.type !== 'dir') continue;
    for (const name of context.tree.list(context.tree.resolve(dir).path)) {
      if (!METADATA_NAME.test(name)) continue;
      const distribution = await readDistribution(context, dir, name);
      if (distribution) found.push(distribution);
    }
  }
  return found;
}
