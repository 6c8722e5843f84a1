/**
 * Package-manager calls in a RUN, read from the commands the shell grammar found (`InvokedCommand`s): which
 * manager, what it does (install, remove, update, clean) and which packages it names. Wrappers (`sudo`,
 * `env`), prefix assignments (`DEBIAN_FRONTEND=noninteractive apt-get …`) and `sh -c '…'` strings are
 * already resolved by the shell analysis, so each call appears here once, under its own name.
 *
 * Option tables come from the managers' man pages (apt-get(8), apk(8), dnf(8), yum(8), zypper(8),
 * `pip install --help`, npm-install(1), yarn's CLI docs); only options that take a separate value matter,
 * so that the value is not read as a package name.
 */
import type { InvokedCommand } from '../../../shell';

export type PackageManager = 'apt' | 'apk' | 'yum' | 'dnf' | 'microdnf' | 'zypper' | 'pip' | 'npm' | 'yarn';

/**
 * What a call does to the image: `install` adds packages (upgrades included), `remove` deletes them,
 * `update` refreshes the package index, `clean` empties the manager's cache; `other` is anything else
 * (`apt-cache`, `pip freeze`, `npm run`…).
 */
export type PackageAction = 'install' | 'remove' | 'update' | 'clean' | 'other';

/** A package operand: the word as written, its index in the command's `args` (to locate it), and the bare name, version pin removed. */
export interface PackageArgument {
  word: string;
  index: number;
  name: string;
}

export interface PackageOperation {
  manager: PackageManager;
  /** The program as invoked, base name only (`apt-get`, `pip3`, `python3` for `python3 -m pip`). */
  program: string;
  /** The subcommand (`install`, `add`, `purge`, `cache`…), empty when there is none (`yarn` alone). */
  subcommand: string;
  /** Index of the subcommand in the command's `args`, when there is one. */
  subcommandIndex?: number;
  /** The call as messages name it: `apt-get install`, `python3 -m pip install`, `yarn`. */
  invocation: string;
  action: PackageAction;
  packages: PackageArgument[];
  /** Every option word of the call (`-y`, `--no-install-recommends`, `--virtual`…). */
  options: string[];
  /** `apk add --virtual NAME` (or `-t NAME`): the name `apk del NAME` removes the group by. */
  virtual?: string;
  command: InvokedCommand;
}

interface ManagerSyntax {
  manager: PackageManager;
  /** Options (before or after the subcommand) whose value is the next word unless written `--opt=value`. */
  optionsWithValue: readonly string[];
  actions: Readonly<Record<string, PackageAction>>;
}

const APT: ManagerSyntax = {
  manager: 'apt',
  optionsWithValue: ['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture'],
  actions: {
    install: 'install', reinstall: 'install', upgrade: 'install', 'dist-upgrade': 'install', 'full-upgrade': 'install', 'build-dep': 'install',
    remove: 'remove', purge: 'remove', autoremove: 'remove', autopurge: 'remove',
    update: 'update',
    clean: 'clean', autoclean: 'clean', distclean: 'clean', 'dist-clean': 'clean',
  },
};

const APK: ManagerSyntax = {
  manager: 'apk',
  optionsWithValue: ['-X', '--repository', '-p', '--root', '--keys-dir', '--cache-dir', '--arch', '--repositories-file', '-t', '--virtual'],
  actions: { add: 'install', upgrade: 'install', fix: 'install', del: 'remove', update: 'update', cache: 'other' },
};

const RPM_OPTIONS = ['--enablerepo', '--disablerepo', '--setopt', '--installroot', '-c', '--config', '--releasever', '-x', '--exclude', '--repo', '--repoid', '--nobest'];
const RPM_ACTIONS: Record<string, PackageAction> = {
  install: 'install', groupinstall: 'install', localinstall: 'install', reinstall: 'install', update: 'install', upgrade: 'install',
  downgrade: 'install', 'distro-sync': 'install', remove: 'remove', erase: 'remove', autoremove: 'remove', groupremove: 'remove',
  makecache: 'update', clean: 'other',
};

const ZYPPER: ManagerSyntax = {
  manager: 'zypper',
  optionsWithValue: ['-R', '--root', '--reposd-dir', '--cache-dir', '--from', '-r', '--repo', '-t', '--type'],
  actions: { install: 'install', in: 'install', update: 'install', up: 'install', 'dist-upgrade': 'install', dup: 'install', remove: 'remove', rm: 'remove', refresh: 'update', ref: 'update', clean: 'clean', cc: 'clean' },
};

const PIP: ManagerSyntax = {
  manager: 'pip',
  optionsWithValue: [
    '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
    '--trusted-host', '-t', '--target', '--prefix', '--root', '--cache-dir', '--platform', '--python-version', '--implementation',
    '--abi', '--only-binary', '--no-binary', '--progress-bar', '--src', '--upgrade-strategy', '--global-option', '-C',
    '--config-settings', '--report', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert', '--client-cert',
  ],
  actions: { install: 'install', uninstall: 'remove', download: 'other', wheel: 'other', cache: 'other' },
};

const NPM_INSTALL = ['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean'];
const NPM: ManagerSyntax = {
  manager: 'npm',
  optionsWithValue: ['--omit', '--include', '--registry', '--prefix', '--cache', '--only', '--tag', '-w', '--workspace', '--loglevel'],
  actions: {
    ...Object.fromEntries(NPM_INSTALL.map((name) => [name, 'install' as const])),
    uninstall: 'remove', un: 'remove', unlink: 'remove', remove: 'remove', rm: 'remove', r: 'remove', cache: 'other',
  },
};

const YARN: ManagerSyntax = {
  manager: 'yarn',
  optionsWithValue: ['--cache-folder', '--modules-folder', '--registry', '--network-timeout', '--mutex', '--cwd'],
  actions: { install: 'install', add: 'install', global: 'install', remove: 'remove', cache: 'other' },
};

const SYNTAX_BY_PROGRAM: ReadonlyMap<string, ManagerSyntax> = new Map<string, ManagerSyntax>([
  ['apt-get', APT],
  ['apt', APT],
  ['aptitude', APT],
  // `apt-mark auto …` before `apt-get purge --auto-remove` is how the official images drop their build deps.
  ['apt-mark', { manager: 'apt', optionsWithValue: ['-f', '--file', '-o', '--option', '-c', '--config-file'], actions: {} }],
  ['apk', APK],
  ['yum', { manager: 'yum', optionsWithValue: RPM_OPTIONS, actions: RPM_ACTIONS }],
  ['dnf', { manager: 'dnf', optionsWithValue: RPM_OPTIONS, actions: RPM_ACTIONS }],
  ['dnf5', { manager: 'dnf', optionsWithValue: RPM_OPTIONS, actions: RPM_ACTIONS }],
  ['microdnf', { manager: 'microdnf', optionsWithValue: RPM_OPTIONS, actions: RPM_ACTIONS }],
  ['zypper', ZYPPER],
  ['npm', NPM],
  ['yarn', YARN],
]);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The syntax of the manager `command` runs and the arguments it gets, `python3 -m pip …` included. */
function managerCall(command: InvokedCommand): { syntax: ManagerSyntax; program: string; prefix: string; args: string[]; skipped: number } | undefined {
  const program = basename(command.name);
  const known = SYNTAX_BY_PROGRAM.get(program);
  if (known) return { syntax: known, program, prefix: program, args: command.args, skipped: 0 };
  if (/^pip\d*(?:\.\d+)*$/.test(program)) return { syntax: PIP, program, prefix: program, args: command.args, skipped: 0 };
  if (/^python\d*(?:\.\d+)*$/.test(program) && command.args[0] === '-m' && /^pip\d*$/.test(command.args[1] ?? '')) {
    return { syntax: PIP, program, prefix: `${program} -m ${command.args[1]}`, args: command.args.slice(2), skipped: 2 };
  }
  return undefined;
}

/** The package name in an operand: `gcc=4:12.2`, `libssl-dev:amd64`, `pkg/bookworm-backports`, `flask==3.0`, `@scope/x@1`. */
export function packageName(manager: PackageManager, word: string): string {
  switch (manager) {
    case 'apt':
      return word.replace(/[=/].*$/, '').replace(/:[a-z0-9]+$/, '');
    case 'apk':
      return word.replace(/[=~<>].*$/, '');
    case 'pip':
      return word.replace(/\[.*$/, '').replace(/[=<>!~;@ ].*$/, '').toLowerCase();
    case 'npm':
    case 'yarn':
      return word.replace(/(?!^)@.*$/, '');
    default:
      return word;
  }
}

function parseCall(command: InvokedCommand): PackageOperation | undefined {
  const call = managerCall(command);
  if (call === undefined) return undefined;
  const { syntax, program, prefix, args, skipped } = call;
  const options: string[] = [];
  const operands: Array<{ word: string; index: number }> = [];
  let virtual: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-') && arg.length > 1) {
      options.push(arg);
      if (syntax.optionsWithValue.includes(arg) && i + 1 < args.length) {
        const value = args[++i];
        if (syntax.manager === 'apk' && (arg === '-t' || arg === '--virtual')) virtual = value;
        // Keep `-o APT::Install-Recommends=false` readable as one option.
        options.push(value);
      } else if (syntax.manager === 'apk' && arg.startsWith('--virtual=')) {
        virtual = arg.slice('--virtual='.length);
      }
    } else {
      operands.push({ word: arg, index: i + skipped });
    }
  }
  // `yarn` alone installs (`yarn --frozen-lockfile` too); `yarn --version` or `--help` only prints. Other
  // managers need a subcommand.
  const subcommandOperand = operands.shift();
  const subcommand = subcommandOperand?.word ?? '';
  const printsOnly = options.some((option) => ['-v', '--version', '-h', '--help'].includes(option));
  let action: PackageAction =
    subcommand === '' ? (syntax.manager === 'yarn' && !printsOnly ? 'install' : 'other') : (syntax.actions[subcommand] ?? 'other');
  const subject = operands[0]?.word;
  if (subcommand === 'cache' && (subject === 'clean' || subject === 'purge')) action = 'clean';
  if (subcommand === 'clean' && (syntax.manager === 'yum' || syntax.manager === 'dnf' || syntax.manager === 'microdnf')) {
    action = subject === 'all' || subject === 'metadata' ? 'clean' : 'other';
  }
  // `yarn global add x`: the packages follow the second word.
  if (syntax.manager === 'yarn' && subcommand === 'global') action = subject === 'add' ? 'install' : subject === 'remove' ? 'remove' : 'other';
  const named = action === 'install' || action === 'remove' ? operands.slice(subcommand === 'global' ? 1 : 0) : [];
  const packages = named.filter(({ word }) => word !== '').map(({ word, index }) => ({ word, index, name: packageName(syntax.manager, word) }));
  return {
    manager: syntax.manager, program, subcommand, subcommandIndex: subcommandOperand?.index, invocation: `${prefix} ${subcommand}`.trim(), action, packages, options,
    ...(virtual ? { virtual } : {}), command,
  };
}

/** The package-manager calls among `commands`, in order. */
export function packageOperations(commands: readonly InvokedCommand[]): PackageOperation[] {
  return commands.map(parseCall).filter((operation): operation is PackageOperation => operation !== undefined);
}

/** Whether the call has option `name` (also as `--name=value`, or inside a bundle of short flags for `-x`). */
export function hasOption(operation: PackageOperation, ...names: string[]): boolean {
  return operation.options.some((option) => names.some((name) => option === name || option.startsWith(`${name}=`)));
}

/** `apt-get purge --auto-remove` or `apt-get autoremove`: removes what is marked automatically installed. */
function autoRemoves(operation: PackageOperation): boolean {
  return operation.manager === 'apt' && operation.action === 'remove' && (operation.subcommand.startsWith('auto') || hasOption(operation, '--auto-remove', '--autoremove'));
}

/**
 * The installed packages that no later operation in `operations` undoes: a removal naming the package or its
 * apk `--virtual` group, or — for apt — `apt-mark auto …` followed by an auto-removing purge, the pattern of
 * the official images (`savedAptMark=…; apt-mark auto '.*'; apt-mark manual $savedAptMark;
 * apt-get purge -y --auto-remove`), which marks every package installed since as removable. One pass from
 * the last operation back, so the cost grows with the number of operations, not its square.
 */
export function stillInstalled(operations: readonly PackageOperation[]): Set<PackageArgument> {
  const kept = new Set<PackageArgument>();
  const removedLater = new Set<string>();
  let autoRemoveLater = false;
  let markedAutoThenRemoved = false;
  for (let index = operations.length - 1; index >= 0; index--) {
    const operation = operations[index];
    if (operation.action === 'install') {
      const undone = (name: string): boolean => removedLater.has(`${operation.manager}\u0000${name}`);
      for (const pkg of operation.packages) {
        const removed = undone(pkg.name) || (operation.virtual !== undefined && undone(operation.virtual)) || (operation.manager === 'apt' && markedAutoThenRemoved);
        if (!removed) kept.add(pkg);
      }
    }
    if (operation.action === 'remove') for (const pkg of operation.packages) removedLater.add(`${operation.manager}\u0000${pkg.name}`);
    if (autoRemoves(operation)) autoRemoveLater = true;
    if (operation.program === 'apt-mark' && operation.subcommand === 'auto' && autoRemoveLater) markedAutoThenRemoved = true;
  }
  return kept;
}
