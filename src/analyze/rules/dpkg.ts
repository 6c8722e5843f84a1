/**
 * Debian packages of kept files: a package's conffiles are its configuration, read by its programs and
 * libraries by name (and often not named in any string: `/etc/ld.so.conf.d/*.conf`, `/etc/gai.conf`), and
 * the directories it creates under /var/lib, /var/log, /var/cache, /run and /var/run are where it keeps
 * state at run time (`/var/lib/nginx`, `/var/log/nginx`): those are kept as directories, without contents.
 *
 * A package counts as used when a kept file outside /etc belongs to it (see {@link dpkgRule}).
 *
 * Conffiles for the host's service manager and maintenance tools are not kept: nothing in a container runs
 * init scripts, systemd units, cron, logrotate, ufw or AppArmor profiles, and `/etc/default/*` is read only
 * by init scripts and maintainer scripts.
 */
import type { AnalysisContext, FileRule } from '../types';
import { DPKG_INFO_DIR, parseConffiles, readDpkgDatabase, type DpkgDatabase } from './dpkg-database';

/** Directories whose entries a package creates for its run-time state. */
export const STATE_DIRECTORY_ROOTS = ['/var/lib/', '/var/log/', '/var/cache/', '/run/', '/var/run/'];

/** Conffiles under these belong to the host's service management, not to the program. */
const HOST_INTEGRATION = /^\/etc\/(init\.d|rc[0-6S]\.d|init|systemd|cron\.[a-z]+|cron\.d|logrotate\.d|ufw|apparmor\.d|apparmor|default|insserv\.conf\.d|logcheck|bash_completion\.d|kernel|modprobe\.d|modules-load\.d|sysctl\.d|udev|X11|xdg|menu|runit|sv|update-motd\.d|skel|profile\.d)\//;

/**
 * Configuration trees that a rule of this analysis reads the way the program does, following every include:
 * Apache's (apache.ts), ImageMagick's (imagemagick.ts) and fontconfig's (fontconfig.ts). The rule keeps what
 * the program reaches; the other conffiles there (`mods-available/`, `conf.avail/`, a `magic` file no
 * directive names) are what an administrator could enable, not what runs, and are not kept as conffiles.
 */
const READ_BY_CONFIG_RULES = /^\/etc\/(apache2|ImageMagick-[\w.]+|fonts)\//;

interface DpkgRunState {
  database: Promise<DpkgDatabase | undefined>;
  done: Set<string>;
}

const runs = new WeakMap<AnalysisContext, DpkgRunState>();

function runState(context: AnalysisContext): DpkgRunState {
  let state = runs.get(context);
  if (!state) runs.set(context, (state = { database: readDpkgDatabase(context), done: new Set() }));
  return state;
}

/** Whether a listed path is a state directory a package creates (and not one of the shared roots themselves). */
export function isStateDirectoryPath(path: string): boolean {
  return STATE_DIRECTORY_ROOTS.some((root) => path.startsWith(root) && path.length > root.length);
}

/** Whether a conffile configures the program rather than the host's service management. */
export function isRuntimeConffile(path: string): boolean {
  return !HOST_INTEGRATION.test(path) && !READ_BY_CONFIG_RULES.test(path);
}

async function keepPackageFiles(context: AnalysisContext, database: DpkgDatabase, name: string, by: string): Promise<void> {
  const conffiles = `${DPKG_INFO_DIR}/${name}.conffiles`;
  if (context.tree.lstat(conffiles)) {
    for (const path of parseConffiles((await context.read(conffiles)).toString('utf8'))) {
      if (!isRuntimeConffile(path)) continue;
      context.keep(path, { rule: 'dpkg-conffile', by, detail: `conffile of package ${name}` });
    }
  }
  for (const path of database.packages.get(name)?.paths ?? []) {
    if (!isStateDirectoryPath(path)) continue;
    const entry = context.tree.resolve(path).entry;
    if (entry?.type === 'dir') context.keep(path, { rule: 'dpkg-directory', by, detail: `run-time directory of package ${name}` });
  }
}

export const dpkgRule: FileRule = {
  id: 'dpkg',
  description: 'conffiles and run-time directories of the Debian packages of kept files',
  async inspect(file, context) {
    // A package is in use when one of its programs, libraries or data files is kept. Its conffiles (always
    // under /etc, Debian policy 10.7.2) do not count: keeping /etc/host.conf for glibc must not bring in
    // everything else base-files configures.
    if (file.path.startsWith('/etc/')) return;
    const state = runState(context);
    const database = await state.database;
    if (!database) return;
    for (const name of database.owners.get(file.path) ?? []) {
      if (state.done.has(name)) continue;
      state.done.add(name);
      await keepPackageFiles(context, database, name, file.path);
    }
  },
};
