/**
 * What the size rules share about the final image's layers: its RUN instructions in order with the ENV and
 * WORKDIR in force at each, the paths a RUN deletes, and whether a deleted path or a cache mount covers a
 * directory. Paths in the home directory are written `~/…`; `$HOME`, `${HOME}` and `/root` read the same,
 * since build steps run as root unless a USER says otherwise and the rules ask "is the cache gone", where
 * reading a deletion generously means fewer false findings.
 */
import type { Instruction, RunInstruction, Stage } from '../../../dockerfile/ir';
import type { InvokedCommand } from '../../../shell';
import type { DockerfileLintContext } from '../../types';
import { packageOperations, stillInstalled, type PackageArgument, type PackageManager, type PackageOperation } from './packages';

/** The value of a variable at one RUN: ENV values and ARG defaults set before it in the lineage (quotes removed, unexpanded). */
export type EnvironmentAt = (name: string) => string | undefined;

export interface LineageRun {
  run: RunInstruction;
  stage: Stage;
  commands: readonly InvokedCommand[];
  operations: PackageOperation[];
  /** The variables this RUN sees (both ENV and ARG are environment variables of a RUN). */
  env: EnvironmentAt;
  /** The absolute working directory, or undefined when a WORKDIR uses a variable. */
  workdir: string | undefined;
}

/**
 * Every value each variable took, in order, so that each RUN can ask for the value in force at its place
 * without copying the whole environment (a copy per RUN would grow with the square of the Dockerfile).
 */
class VariableHistory {
  private readonly values = new Map<string, Array<{ at: number; value: string }>>();

  set(name: string, value: string, at: number): void {
    const history = this.values.get(name) ?? [];
    history.push({ at, value });
    this.values.set(name, history);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The value set last at or before `at`, by binary search over the name's history. */
  at(at: number): EnvironmentAt {
    return (name) => {
      const history = this.values.get(name);
      if (history === undefined) return undefined;
      let low = 0;
      let high = history.length - 1;
      let found: string | undefined;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (history[middle].at <= at) {
          found = history[middle].value;
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return found;
    };
  }
}

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
}

/** Lineage runs per lint run: every size rule reads them, so they are worked out once (keyed by the stage graph). */
const LINEAGE_RUNS = new WeakMap<object, LineageRun[]>();

/** The RUN instructions of the final image's lineage (the target and the stages it is built FROM), in order. */
export function lineageRuns(context: DockerfileLintContext): LineageRun[] {
  const cached = LINEAGE_RUNS.get(context.graph);
  if (cached) return cached;
  const runs: LineageRun[] = [];
  const env = new VariableHistory();
  let position = 0;
  let workdir: string | undefined = '/';
  for (const stage of context.finalLineage) {
    for (const instruction of stage.instructions) {
      position++;
      if (instruction.keyword === 'ENV') {
        for (const pair of instruction.pairs) env.set(pair.key, unquote(pair.value), position);
      } else if (instruction.keyword === 'ARG') {
        for (const arg of instruction.args) if (arg.defaultValue !== undefined && !env.has(arg.name)) env.set(arg.name, unquote(arg.defaultValue), position);
      } else if (instruction.keyword === 'WORKDIR') {
        const path = unquote(instruction.path);
        workdir = path.includes('$') ? undefined : path.startsWith('/') ? path : workdir === undefined ? undefined : joinPath(workdir, path);
      } else if (instruction.keyword === 'RUN') {
        const commands = context.commandsOf(instruction);
        runs.push({ run: instruction, stage, commands, operations: packageOperations(commands), env: env.at(position), workdir });
      }
    }
  }
  LINEAGE_RUNS.set(context.graph, runs);
  return runs;
}

/** Every instruction of the final lineage, in order. */
export function lineageInstructions(context: DockerfileLintContext): Instruction[] {
  return context.finalLineage.flatMap((stage) => stage.instructions);
}

export function joinPath(directory: string, path: string): string {
  return `${directory.replace(/\/+$/, '')}/${path}`.replace(/\/\.\//g, '/').replace(/\/\.$/, '');
}

/** `~/x` for the home-directory spellings, duplicate and trailing slashes removed. */
export function normalizePath(path: string): string {
  const home = path.replace(/^(?:~|\$HOME|\$\{HOME\}|\/root)(?=\/|$)/, '~');
  return home.replace(/\/{2,}/g, '/').replace(/(?<=.)\/$/, '');
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/**
 * Whether deleting `removed` (a path or glob, as `rm` got it) deletes `path`: the same path, an ancestor of
 * it, or a glob matching it or an ancestor (`/var/lib/apt/lists/*` deletes everything in the lists).
 */
export function removalCovers(removed: string, path: string): boolean {
  const pattern = normalizePath(removed);
  const target = normalizePath(path);
  if (pattern === '/' || pattern === '' || pattern === '~') return false;
  // `rm -rf /var/lib/apt/lists/*` empties the directory: that is what cleaning it means.
  const emptied = pattern.endsWith('/*') ? pattern.slice(0, -2) : undefined;
  if (emptied !== undefined && !/[*?[]/.test(emptied) && (emptied === target || target.startsWith(`${emptied}/`))) return true;
  const matcher = /[*?]/.test(pattern) ? globToRegExp(pattern) : undefined;
  const segments = target.split('/');
  for (let length = segments.length; length > 0; length--) {
    const candidate = segments.slice(0, length).join('/');
    if (candidate === '' || candidate === '~') break;
    if (matcher ? matcher.test(candidate) : candidate === pattern) return true;
  }
  return false;
}

/** A path `rm` deletes, with the command and the index of the argument that names it (for pointing at it). */
export interface RemovedPath {
  path: string;
  command: InvokedCommand;
  index: number;
}

/**
 * The operands of `rm` and `rmdir` calls (options skipped, `--` honoured). Relative operands are resolved
 * against `workdir` unless the RUN changes directory before them or the working directory is unknown;
 * then they are left out, as the rules cannot tell what they name.
 */
export function removedPaths(commands: readonly InvokedCommand[], workdir: string | undefined): RemovedPath[] {
  const removed: RemovedPath[] = [];
  let directoryKnown = workdir !== undefined;
  for (const command of commands) {
    const name = command.name.slice(command.name.lastIndexOf('/') + 1);
    if (name === 'cd' || name === 'pushd' || name === 'popd') directoryKnown = false;
    if (name !== 'rm' && name !== 'rmdir') continue;
    let operands = false;
    command.args.forEach((arg, index) => {
      if (!operands && arg === '--') {
        operands = true;
        return;
      }
      if (!operands && arg.startsWith('-') && arg.length > 1) return;
      if (/^(?:\/|~|\$HOME|\$\{HOME\})/.test(arg)) removed.push({ path: arg, command, index });
      else if (directoryKnown && !arg.includes('$') && workdir !== undefined) removed.push({ path: joinPath(workdir, arg), command, index });
    });
  }
  return removed;
}

/** Whether the RUN has a cache or tmpfs mount at `directory` or above it: what it writes there is not in the layer. */
export function mountCovers(run: RunInstruction, directory: string): boolean {
  return run.mounts.some((mount) => (mount.type === 'cache' || mount.type === 'tmpfs') && mount.target !== undefined && removalCovers(mount.target, directory));
}

/** The OS package managers: what they install is part of the image's file system, not of a project. */
export const SYSTEM_MANAGERS: ReadonlySet<PackageManager> = new Set(['apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper']);

/** A RUN's system packages that are still installed in the final image, and that RUN. */
export interface KeptPackages {
  lineageRun: LineageRun;
  packages: Array<{ operation: PackageOperation; pkg: PackageArgument }>;
}

/**
 * Per RUN of the final lineage, the system packages it installs that neither the same RUN nor a later one
 * removes. Those a later RUN removes are left out: their bytes still stay in the layer, which
 * `cleanup-in-separate-layer` reports at the removal.
 */
export function keptSystemPackages(runs: readonly LineageRun[]): KeptPackages[] {
  const kept = stillInstalled(runs.flatMap((lineageRun) => lineageRun.operations));
  return runs
    .map((lineageRun) => ({
      lineageRun,
      packages: lineageRun.operations
        .filter((operation) => operation.action === 'install' && SYSTEM_MANAGERS.has(operation.manager))
        .flatMap((operation) => operation.packages.map((pkg) => ({ operation, pkg })))
        .filter(({ pkg }) => kept.has(pkg)),
    }))
    .filter((entry) => entry.packages.length > 0);
}

/** A file or directory a RUN command writes by name: `curl -o`, `wget -O`, `git clone URL DIR`. */
export interface WrittenPath {
  path: string;
  command: InvokedCommand;
}

function outputOption(args: readonly string[], short: string, long: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === short || arg === long) return args[i + 1];
    if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
    if (arg.startsWith(short) && !arg.startsWith('--') && arg.length > short.length) return arg.slice(short.length);
  }
  return undefined;
}

/** `git clone` options whose value is the next word (git-clone(1)). */
const GIT_CLONE_VALUES = new Set(['-b', '--branch', '--depth', '-o', '--origin', '-c', '--config', '--reference', '--reference-if-able', '--shallow-since', '--shallow-exclude', '-j', '--jobs', '-u', '--upload-pack', '--separate-git-dir', '--filter', '--template']);

function gitCloneOperands(args: readonly string[]): string[] {
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (GIT_CLONE_VALUES.has(args[i])) i++;
    else if (!args[i].startsWith('-')) operands.push(args[i]);
  }
  return operands;
}

/**
 * Paths RUN commands name as their output: `curl -o FILE`, `wget -O FILE`, `git clone URL [DIR]`. Only these
 * explicit outputs; what `make install` or a script writes is not known. Relative paths follow `workdir`
 * and are dropped after a `cd`, as in `removedPaths`.
 */
export function writtenPaths(commands: readonly InvokedCommand[], workdir: string | undefined): WrittenPath[] {
  const written: WrittenPath[] = [];
  let directoryKnown = workdir !== undefined;
  const add = (path: string | undefined, command: InvokedCommand): void => {
    if (path === undefined || path === '-' || path === '/dev/null' || path.includes('$')) return;
    if (path.startsWith('/') || path.startsWith('~')) written.push({ path, command });
    else if (directoryKnown && workdir !== undefined) written.push({ path: joinPath(workdir, path), command });
  };
  for (const command of commands) {
    const name = command.name.slice(command.name.lastIndexOf('/') + 1);
    if (name === 'cd' || name === 'pushd' || name === 'popd') directoryKnown = false;
    if (name === 'curl') add(outputOption(command.args, '-o', '--output'), command);
    if (name === 'wget') add(outputOption(command.args, '-O', '--output-document'), command);
    if (name === 'git' && command.args[0] === 'clone') {
      const operands = gitCloneOperands(command.args.slice(1));
      const repository = operands[0];
      const directory = operands[1] ?? repository?.replace(/\/+$/, '').replace(/^.*[/:]/, '').replace(/\.git$/, '');
      add(directory, command);
    }
  }
  return written;
}
