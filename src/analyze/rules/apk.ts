/**
 * Alpine packages of kept files, the apk counterpart of `dpkg.ts`. `/lib/apk/db/installed` is one record per
 * package, records separated by a blank line; `P:` names the package, each `F:` line a directory it owns
 * (relative to `/`) and the `R:` lines after it the files in that directory (apk-tools `database.c`).
 *
 * apk has no conffile list: files a package installs under /etc are its configuration (apk protects them,
 * writing `.apk-new` beside changed ones), so those are kept, minus service-manager files as for dpkg; and
 * its directories under /var/lib, /var/log, /var/cache, /run, /var/run are kept as directories.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule } from '../types';
import { isRuntimeConffile, isStateDirectoryPath } from './dpkg';

export const APK_INSTALLED = '/lib/apk/db/installed';

/** One installed apk package: its directories and files as absolute paths. */
export interface ApkPackage {
  name: string;
  directories: string[];
  files: string[];
}

/** Parses the installed database. */
export function parseApkInstalled(text: string): ApkPackage[] {
  const packages: ApkPackage[] = [];
  for (const record of text.split(/\n\s*\n/)) {
    let current: ApkPackage | undefined;
    let dir = '/';
    for (const line of record.split('\n')) {
      const key = line.slice(0, 2);
      const value = line.slice(2);
      if (key === 'P:') packages.push((current = { name: value, directories: [], files: [] }));
      else if (!current) continue;
      else if (key === 'F:') {
        dir = posix.join('/', value);
        current.directories.push(dir);
      } else if (key === 'R:') current.files.push(posix.join(dir, value));
    }
  }
  return packages;
}

interface ApkDatabase {
  packages: Map<string, ApkPackage>;
  owners: Map<string, string>;
}

async function readApkDatabase(context: AnalysisContext): Promise<ApkDatabase | undefined> {
  // Resolved, not lstat: /lib is a symlink to usr/lib on merged-/usr images.
  let entry;
  try {
    entry = context.tree.resolve(APK_INSTALLED).entry;
  } catch {
    return undefined;
  }
  if (!entry || entry.type !== 'file') return undefined;
  const database: ApkDatabase = { packages: new Map(), owners: new Map() };
  for (const pkg of parseApkInstalled((await context.tree.readFile(APK_INSTALLED)).toString('utf8'))) {
    database.packages.set(pkg.name, pkg);
    for (const file of pkg.files) {
      try {
        database.owners.set(context.tree.resolve(file, { followFinal: false }).path, pkg.name);
      } catch {
        // a listed path that loops is owned by nothing we can keep
      }
    }
  }
  return database;
}

interface ApkRunState {
  database: Promise<ApkDatabase | undefined>;
  done: Set<string>;
}

const runs = new WeakMap<AnalysisContext, ApkRunState>();

export const apkRule: FileRule = {
  id: 'apk',
  description: 'configuration and run-time directories of the Alpine packages of kept files',
  async inspect(file, context) {
    // As for dpkg, a package is in use when one of its files outside /etc is kept.
    if (file.path.startsWith('/etc/')) return;
    let state = runs.get(context);
    if (!state) runs.set(context, (state = { database: readApkDatabase(context), done: new Set() }));
    const database = await state.database;
    const name = database?.owners.get(file.path);
    if (!database || name === undefined || state.done.has(name)) return;
    state.done.add(name);
    const pkg = database.packages.get(name) as ApkPackage;
    for (const path of pkg.files) {
      if (path.startsWith('/etc/') && isRuntimeConffile(path)) context.keep(path, { rule: 'apk-config', by: file.path, detail: `configuration of package ${name}` });
    }
    for (const dir of pkg.directories) {
      if (isStateDirectoryPath(dir) && context.tree.resolve(dir).entry?.type === 'dir') {
        context.keep(dir, { rule: 'apk-directory', by: file.path, detail: `run-time directory of package ${name}` });
      }
    }
  },
};
