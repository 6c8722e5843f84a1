/**
 * Where package managers keep their caches and indexes, which calls write them, and whether the RUN that
 * wrote them also cleaned them (a clean command or an `rm` after the call, or a cache/tmpfs mount over the
 * directory, which keeps it out of the layer).
 */
import type { InvokedCommand } from '../../../shell';
import { mountCovers, removalCovers, removedPaths, type EnvironmentAt, type LineageRun } from './final-lineage';
import { hasOption, type PackageManager, type PackageOperation } from './packages';

/** Where a manager keeps what it downloads, and how to clean it in the same RUN. */
export interface CacheSpec {
  /** What the cache is, for messages. */
  what: string;
  /** Its directories; deleting or mounting over any of them counts as cleaning. */
  directories: string[];
  /** The cleanup to suggest, as the start of a sentence. */
  cleanup: string;
  /** Whether `operation` writes the cache. */
  writes(operation: PackageOperation, env: EnvironmentAt, commandsBefore: readonly InvokedCommand[]): boolean;
}

const installsOrUpdates = (operation: PackageOperation): boolean => operation.action === 'install' || operation.action === 'update';

/** pip reads PIP_NO_CACHE_DIR as a boolean; any value but an explicit false turns the cache off. */
function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && !/^(?:0|false|no|off)$/i.test(value);
}

/** `export NAME=value` or `env NAME=value …` earlier in the RUN. */
function setInRun(commands: readonly InvokedCommand[], name: string): string | undefined {
  let value: string | undefined;
  for (const command of commands) {
    if (command.name !== 'export' && command.name !== 'env') continue;
    for (const arg of command.args) if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  }
  return value;
}

function optionValue(operation: PackageOperation, name: string): string | undefined {
  const index = operation.options.indexOf(name);
  if (index >= 0) return operation.options[index + 1];
  return operation.options.find((option) => option.startsWith(`${name}=`))?.slice(name.length + 1);
}

const RPM_CACHE = (directory: string, program: string): CacheSpec => ({
  what: `${program} metadata and package cache`,
  directories: [directory],
  cleanup: `Add \`${program} clean all\` after the install`,
  writes: installsOrUpdates,
});

export const CACHES: Record<PackageManager, CacheSpec> = {
  apt: { what: 'apt package lists', directories: ['/var/lib/apt/lists'], cleanup: 'Add `rm -rf /var/lib/apt/lists/*` after the install', writes: (operation) => operation.action === 'update' },
  apk: {
    what: 'apk index cache',
    directories: ['/var/cache/apk', '/etc/apk/cache'],
    cleanup: 'Use `apk add --no-cache` (or `rm -rf /var/cache/apk/*`)',
    // `--no-network` installs from what is already on disk: no index is downloaded, nothing is cached.
    writes: (operation) => installsOrUpdates(operation) && !hasOption(operation, '--no-cache', '--no-network'),
  },
  yum: RPM_CACHE('/var/cache/yum', 'yum'),
  dnf: { ...RPM_CACHE('/var/cache/dnf', 'dnf'), directories: ['/var/cache/dnf', '/var/cache/libdnf5'] },
  microdnf: { ...RPM_CACHE('/var/cache/yum', 'microdnf'), directories: ['/var/cache/yum', '/var/cache/dnf'] },
  zypper: { what: 'zypper cache', directories: ['/var/cache/zypp'], cleanup: 'Add `zypper clean --all` after the install', writes: installsOrUpdates },
  pip: {
    what: 'pip cache',
    directories: ['~/.cache/pip'],
    cleanup: 'Use `pip install --no-cache-dir` (or `ENV PIP_NO_CACHE_DIR=1`)',
    writes: (operation, env, before) =>
      operation.action === 'install' && !hasOption(operation, '--no-cache-dir') && !truthy(setInRun(before, 'PIP_NO_CACHE_DIR') ?? env('PIP_NO_CACHE_DIR')),
  },
  npm: { what: 'npm cache', directories: ['~/.npm'], cleanup: 'Add `npm cache clean --force` after the install', writes: (operation) => operation.action === 'install' },
  yarn: {
    what: 'yarn cache',
    directories: ['/usr/local/share/.cache/yarn', '~/.cache/yarn', '~/.yarn/berry/cache'],
    cleanup: 'Add `yarn cache clean` after the install',
    writes: (operation) => operation.action === 'install',
  },
};

/** The cache directories of this call: the manager's, or the one an option or variable chose. */
export function cacheDirectories(operation: PackageOperation, spec: CacheSpec, env: EnvironmentAt): string[] {
  const chosen =
    operation.manager === 'pip'
      ? (optionValue(operation, '--cache-dir') ?? env('PIP_CACHE_DIR'))
      : operation.manager === 'npm'
        ? (optionValue(operation, '--cache') ?? env('npm_config_cache') ?? env('NPM_CONFIG_CACHE'))
        : operation.manager === 'yarn'
          ? (optionValue(operation, '--cache-folder') ?? env('YARN_CACHE_FOLDER'))
          : undefined;
  return chosen !== undefined && !chosen.includes('$') ? [chosen] : spec.directories;
}

/** Whether the RUN cleans the cache after `operation` wrote it, or never puts it in its layer. */
export function cleaned(lineageRun: LineageRun, operation: PackageOperation, directories: readonly string[]): boolean {
  const { run, commands, operations, workdir } = lineageRun;
  if (directories.some((directory) => mountCovers(run, directory))) return true;
  const after = commands.indexOf(operation.command);
  const family = (manager: PackageManager): string => (manager === 'dnf' || manager === 'microdnf' ? 'yum' : manager);
  const cleanCall = operations.some(
    (other) => other.action === 'clean' && family(other.manager) === family(operation.manager) && commands.indexOf(other.command) > after && cleansCache(other),
  );
  if (cleanCall) return true;
  return removedPaths(commands, workdir).some(
    (removed) => commands.indexOf(removed.command) > after && directories.some((directory) => removalCovers(removed.path, directory)),
  );
}

/** `apt-get clean` empties the archives, not the lists; `apt-get distclean` (apt ≥ 2.7) empties both. */
function cleansCache(operation: PackageOperation): boolean {
  if (operation.manager === 'apt') return operation.subcommand === 'distclean' || operation.subcommand === 'dist-clean';
  if (operation.manager === 'npm') return hasOption(operation, '--force', '-f');
  return true;
}

/** A cache a package-manager call in the RUN writes, and whether the same RUN keeps it out of its layer. */
export interface CacheWrite {
  operation: PackageOperation;
  spec: CacheSpec;
  directories: string[];
  cleaned: boolean;
}

const CACHE_WRITES = new WeakMap<LineageRun, CacheWrite[]>();

/** The caches the RUN's package-manager calls write, in order (worked out once per RUN: several rules ask). */
export function cacheWrites(lineageRun: LineageRun): CacheWrite[] {
  const cached = CACHE_WRITES.get(lineageRun);
  if (cached) return cached;
  const { commands, operations, env } = lineageRun;
  const writes = operations.flatMap((operation) => {
    const spec = CACHES[operation.manager];
    const before = commands.slice(0, commands.indexOf(operation.command));
    if (!spec.writes(operation, env, before)) return [];
    const directories = cacheDirectories(operation, spec, env);
    return [{ operation, spec, directories, cleaned: cleaned(lineageRun, operation, directories) }];
  });
  CACHE_WRITES.set(lineageRun, writes);
  return writes;
}
