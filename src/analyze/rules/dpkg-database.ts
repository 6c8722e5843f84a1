/**
 * The dpkg database of a Debian/Ubuntu image, read once per analysis: which package owns each path
 * (`/var/lib/dpkg/info/<package>[:<arch>].list`, one path per line, directories included) and each
 * package's conffiles (`<package>.conffiles`). Listed paths are as the package shipped them (`/lib/...` on
 * a merged-/usr system), so each is resolved through the image's directory symlinks to its real path.
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';

export const DPKG_INFO_DIR = '/var/lib/dpkg/info';

/** One installed package. */
export interface DpkgPackage {
  /** The info file stem: `nginx-common`, `libc6:amd64`. */
  name: string;
  /** Paths as listed, in order. */
  paths: string[];
}

export interface DpkgDatabase {
  packages: Map<string, DpkgPackage>;
  /** Real path (parents resolved, final component not followed) → owning package names. */
  owners: Map<string, string[]>;
}

function realPath(context: AnalysisContext, path: string): string | undefined {
  try {
    return context.tree.resolve(path, { followFinal: false }).path;
  } catch {
    return undefined;
  }
}

/** Reads every `.list` file; undefined when the image has no dpkg database. */
export async function readDpkgDatabase(context: AnalysisContext): Promise<DpkgDatabase | undefined> {
  const names = context.tree.list(DPKG_INFO_DIR).filter((name) => name.endsWith('.list'));
  if (names.length === 0) return undefined;
  const files = names.map((name) => posix.join(DPKG_INFO_DIR, name));
  const contents = await context.tree.readFiles(files);
  const database: DpkgDatabase = { packages: new Map(), owners: new Map() };
  for (const [file, content] of contents) {
    const name = posix.basename(file, '.list');
    const paths = content
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('/') && line !== '/.');
    database.packages.set(name, { name, paths });
    for (const path of paths) {
      const real = realPath(context, path);
      if (real === undefined) continue;
      const owners = database.owners.get(real);
      if (owners) owners.push(name);
      else database.owners.set(real, [name]);
    }
  }
  return database;
}

/**
 * Conffile paths of a package. Lines are a path, optionally followed by flags (`obsolete`) and, since
 * dpkg 1.20.1, optionally preceded by `remove-on-upgrade` (deb-conffiles(5)); obsolete ones are skipped.
 */
export function parseConffiles(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const path = words.find((word) => word.startsWith('/'));
    if (path && !words.includes('obsolete') && !words.includes('remove-on-upgrade')) paths.push(path);
  }
  return paths;
}
