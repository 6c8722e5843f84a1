/**
 * A RUN in the final image deleting what an earlier instruction wrote: every instruction is a layer, and a
 * deletion only hides the files in the layers below, so the image keeps their bytes and gains a layer.
 *
 * Found by tracing the deleted thing to the instruction that wrote it, so that deletions of files the base
 * image brought (`rm /etc/nginx/conf.d/default.conf`, a functional change no layer can shrink) are not
 * reported. Traced: paths a COPY or ADD wrote (an ADD'ed archive unpacked then deleted is the classic case),
 * paths an earlier RUN named as output (`curl -o`, `wget -O`, `git clone`), package caches an earlier RUN
 * left (apt lists, apk, yum/dnf, pip, npm, yarn), and packages an earlier RUN installed and this one removes
 * (`apt-get purge`, `apk del` of a `--virtual` group, `dnf remove`…). A deletion of something the same RUN
 * wrote first is the right way and is not reported. Deleting inside a directory a COPY copied (`COPY . /app`
 * then `rm -rf /app/tests`) is not reported: the Dockerfile does not show whether the context had it; the
 * image rule `layer-waste` measures it.
 */
import type { AddInstruction } from '../../dockerfile/ir';
import type { InvokedCommand } from '../../shell';
import type { CopyRecord } from '../../stages';
import type { DockerfileLintRule } from '../types';
import { lineageInstructions, lineageRuns, removalCovers, removedPaths, writtenPaths, type LineageRun } from './support/final-lineage';
import { cacheWrites, type CacheWrite } from './support/package-caches';
import { PathIndex } from './support/path-index';
import type { PackageManager } from './support/packages';

/** Something a RUN deletes that an earlier instruction wrote. */
interface Waste {
  /** What is deleted, for the message. */
  what: string;
  /** The earlier instruction, for the message. */
  writer: string;
  line: number;
  /** The command of this RUN that deletes it, and the argument naming it (to point at). */
  command: InvokedCommand;
  argument?: number;
}

/** Something an earlier instruction of the final image left in its layer: a file, a directory, or a cache. */
interface Written {
  what: string;
  writer: string;
  line: number;
  /** The path written (for a cache, the directory the deletion covered). */
  path: string;
  /** Written by COPY or ADD: the RUN cannot have written it first itself. */
  copied?: boolean;
  /** For a package cache: the write, so a clean command or a second directory finds it gone. */
  cache?: CacheWrite & { live: boolean };
}

const LOCAL_ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const REMOTE = /^(?:https?|git|ssh):\/\/|^git@/;

/** The files a COPY or ADD wrote by name; directory copies and unpacked archives are left out (see above). */
function copiedFiles(record: CopyRecord, add: AddInstruction | undefined): string[] {
  const intoDirectory = record.destination.endsWith('/') || record.sources.length > 1;
  return record.sources.flatMap((source) => {
    if (/[*?[]/.test(source) || source === '.' || source.endsWith('/')) return [];
    const remote = REMOTE.test(source);
    // ADD unpacks a local tar archive into the destination: the archive itself is never in the image.
    if (record.keyword === 'ADD' && !remote && record.from === undefined && LOCAL_ARCHIVE.test(source) && add?.unpack !== false) return [];
    const name = (remote ? source.replace(/[?#].*$/, '') : source).replace(/\/+$/, '').replace(/^.*\//, '');
    return [intoDirectory ? `${record.destination.replace(/\/+$/, '')}/${name}` : record.destination];
  });
}

const family = (manager: PackageManager): string => (manager === 'dnf' || manager === 'microdnf' ? 'yum' : manager);

/**
 * What the final image's earlier layers left, updated RUN by RUN: every lookup is by path (PathIndex), by
 * package name or by cache family, so the rule's work grows with the Dockerfile, not with its square.
 */
class LayerState {
  readonly paths = new PathIndex<Written>();
  /** Installed packages (and apk `--virtual` groups) by manager and name: the lines that installed them. */
  readonly packages = new Map<string, number[]>();
  /** Uncleaned caches by manager family. */
  readonly caches = new Map<string, Array<CacheWrite & { live: boolean; line: number }>>();

  static packageKey(manager: PackageManager, name: string): string {
    return `${manager}\u0000${name}`;
  }

  /** Records what `lineageRun` leaves in its layer, after its own deletions. */
  addRun(lineageRun: LineageRun): void {
    const { run, commands, workdir, operations } = lineageRun;
    const line = run.range.startLine;
    const position = new Map(commands.map((command, index) => [command, index]));
    const removed = removedPaths(commands, workdir);
    for (const written of writtenPaths(commands, workdir)) {
      const at = position.get(written.command) ?? 0;
      const keptThere = !removed.some((gone) => (position.get(gone.command) ?? 0) > at && removalCovers(gone.path, written.path));
      if (keptThere) this.paths.add(written.path, { what: written.path, writer: `\`${written.command.name}\` in the RUN at line ${line}`, line, path: written.path });
    }
    for (const cache of cacheWrites(lineageRun)) {
      if (cache.cleaned) continue;
      const entry = { ...cache, live: true, line };
      const list = this.caches.get(family(cache.operation.manager)) ?? [];
      list.push(entry);
      this.caches.set(family(cache.operation.manager), list);
      for (const directory of cache.directories) {
        this.paths.add(directory, { what: `the ${cache.spec.what} (${directory})`, writer: `\`${cache.operation.invocation}\` at line ${line}`, line, path: directory, cache: entry });
      }
    }
    for (const operation of operations) {
      if (operation.action !== 'install') continue;
      const names = [...operation.packages.map((pkg) => pkg.name), ...(operation.virtual ? [operation.virtual] : [])];
      for (const name of names) {
        const key = LayerState.packageKey(operation.manager, name);
        const lines = this.packages.get(key) ?? [];
        if (lines[lines.length - 1] !== line) lines.push(line);
        this.packages.set(key, lines);
      }
    }
  }
}

/** What `current` deletes that the earlier layers (`state`) or the copies before it wrote, and it did not write first itself. */
function wasteOf(current: LineageRun, state: LayerState): Waste[] {
  const { commands, operations, workdir } = current;
  const position = new Map(commands.map((command, index) => [command, index]));
  const at = (command: InvokedCommand): number => position.get(command) ?? 0;
  const waste: Waste[] = [];
  const ownWrites = writtenPaths(commands, workdir);
  const ownCaches = cacheWrites(current);
  for (const removed of removedPaths(commands, workdir)) {
    const when = at(removed.command);
    const writtenHereFirst = (path: string): boolean =>
      ownWrites.some((own) => at(own.command) < when && removalCovers(removed.path, own.path) && removalCovers(own.path, path)) ||
      ownCaches.some((own) => at(own.operation.command) < when && own.directories.includes(path));
    for (const written of state.paths.take(removed.path)) {
      if (written.cache && !written.cache.live) continue;
      if (written.cache) written.cache.live = false;
      if (written.copied || !writtenHereFirst(written.path)) {
        waste.push({ what: written.what, writer: written.writer, line: written.line, command: removed.command, argument: removed.index });
      }
    }
  }
  for (const operation of operations) {
    const when = at(operation.command);
    if (operation.action === 'remove') {
      for (const pkg of operation.packages) {
        const key = LayerState.packageKey(operation.manager, pkg.name);
        const lines = state.packages.get(key);
        if (lines === undefined) continue;
        state.packages.delete(key);
        const installedHere = operations.some((install) => install.action === 'install' && at(install.command) < when && install.packages.some((p) => p.name === pkg.name));
        if (installedHere) continue;
        for (const line of lines) waste.push({ what: `package ${pkg.name}`, writer: `the install at line ${line}`, line, command: operation.command, argument: pkg.index });
      }
    }
    if (operation.action === 'clean') {
      const caches = state.caches.get(family(operation.manager)) ?? [];
      state.caches.delete(family(operation.manager));
      for (const cache of caches) {
        if (!cache.live) continue;
        cache.live = false;
        const rewritten = ownCaches.some((own) => own.operation.manager === cache.operation.manager && at(own.operation.command) < when);
        if (rewritten) continue;
        waste.push({ what: `the ${cache.spec.what}`, writer: `\`${cache.operation.invocation}\` at line ${cache.line}`, line: cache.line, command: operation.command, argument: operation.subcommandIndex });
      }
    }
  }
  return waste;
}

export const cleanupInSeparateLayer: DockerfileLintRule = {
  meta: {
    id: 'cleanup-in-separate-layer',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'A RUN deletes files, packages or caches that an earlier instruction of the final image wrote, so their bytes stay in the image.',
    rationale:
      'Each instruction adds a layer, and a deletion only hides files in the layers below: an archive ADDed and ' +
      'deleted after unpacking, apt lists removed one RUN too late, or a compiler purged in a later RUN all still ' +
      'count in the image size and the pull. Only deleting in the same RUN that wrote them, or not copying them, ' +
      'keeps them out.',
    fix: 'Delete in the same RUN that writes (`… && make && apt-get purge -y --auto-remove gcc && rm -rf /var/lib/apt/lists/*`); for copied files, do not copy them: use `.dockerignore`, `COPY --exclude`, a build stage, or `RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz`.',
    related: { other: ['SlimToolkit lint ID.20021 (separate rm only hides data)', 'dive (measures it on the image)', 'scratchify image rule `layer-waste`'] },
    example: {
      bad: 'ADD https://example.com/app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      good: 'RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz tar -xzf /tmp/app.tar.gz -C /opt',
    },
  },
  check(context) {
    const runs = lineageRuns(context);
    const adds = new Map<number, AddInstruction>();
    for (const instruction of lineageInstructions(context)) if (instruction.keyword === 'ADD') adds.set(instruction.range.startLine, instruction);
    const copies = context.graph.stages[context.graph.target].copies;
    const state = new LayerState();
    let nextCopy = 0;
    for (const current of runs) {
      const startLine = current.run.range.startLine;
      for (; nextCopy < copies.length && copies[nextCopy].line < startLine; nextCopy++) {
        const record = copies[nextCopy];
        for (const file of copiedFiles(record, adds.get(record.line))) {
          state.paths.add(file, { what: file, writer: `${record.keyword} at line ${record.line}`, line: record.line, path: file, copied: true });
        }
      }
      const waste = wasteOf(current, state);
      state.addRun(current);
      if (waste.length === 0) continue;
      const items = [...new Set(waste.map((item) => `${item.what} (written by ${item.writer})`))];
      context.report({
        instruction: current.run,
        location: context.locateCommand(current.run, waste[0].command, waste[0].argument),
        message: `deletes what an earlier layer wrote, so the bytes stay in the image: ${items.join('; ')}`,
        data: { deleted: [...new Set(waste.map((item) => item.what))], writtenAt: [...new Set(waste.map((item) => item.line))] },
      });
    }
  },
};
