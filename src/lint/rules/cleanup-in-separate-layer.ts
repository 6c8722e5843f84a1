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
import type { AddInstruction, Instruction } from '../../dockerfile/ir';
import type { InvokedCommand } from '../../shell';
import type { CopyRecord } from '../../stages';
import type { DockerfileLintRule } from '../types';
import { lineageInstructions, lineageRuns, locateWord, removalCovers, removedPaths, writtenPaths, type LineageRun } from './support/final-lineage';
import { cacheWrites } from './support/package-caches';

/** Something this RUN deletes that an earlier instruction wrote. */
interface Waste {
  /** What is deleted, for the message. */
  what: string;
  /** The earlier instruction, for the message. */
  writer: string;
  line: number;
  /** The word in this RUN to point at. */
  word: string;
}

const LOCAL_ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const REMOTE = /^(?:https?|git|ssh):\/\/|^git@/;

/** The files a COPY or ADD wrote by name; directory copies and unpacked archives are left out (see above). */
function copiedFiles(record: CopyRecord, instructions: readonly Instruction[]): string[] {
  const add = instructions.find((instruction): instruction is AddInstruction => instruction.keyword === 'ADD' && instruction.range.startLine === record.line);
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

/** What `current` deletes that the earlier runs or copies wrote and `current` did not write first itself. */
function wasteOf(current: LineageRun, earlier: readonly LineageRun[], copies: readonly CopyRecord[], instructions: readonly Instruction[]): Waste[] {
  const { commands, operations, workdir } = current;
  const position = (command: InvokedCommand): number => commands.indexOf(command);
  const waste: Waste[] = [];
  const ownWrites = writtenPaths(commands, workdir);
  const ownCaches = cacheWrites(current);
  for (const removed of removedPaths(commands, workdir)) {
    const at = position(removed.command);
    const writtenHereFirst = (path: string): boolean =>
      ownWrites.some((own) => position(own.command) < at && removalCovers(removed.path, own.path) && removalCovers(own.path, path)) ||
      ownCaches.some((own) => position(own.operation.command) < at && own.directories.includes(path));
    for (const record of copies) {
      for (const file of copiedFiles(record, instructions)) {
        if (removalCovers(removed.path, file)) waste.push({ what: file, writer: `${record.keyword} at line ${record.line}`, line: record.line, word: removed.path });
      }
    }
    for (const before of earlier) {
      const line = before.run.range.startLine;
      const keptThere = (path: string, command: InvokedCommand): boolean =>
        !removedPaths(before.commands, before.workdir).some((gone) => before.commands.indexOf(gone.command) > before.commands.indexOf(command) && removalCovers(gone.path, path));
      for (const written of writtenPaths(before.commands, before.workdir)) {
        if (removalCovers(removed.path, written.path) && keptThere(written.path, written.command) && !writtenHereFirst(written.path)) {
          waste.push({ what: written.path, writer: `\`${written.command.name}\` in the RUN at line ${line}`, line, word: removed.path });
        }
      }
      for (const cache of cacheWrites(before)) {
        const directory = cache.directories.find((path) => removalCovers(removed.path, path));
        if (!cache.cleaned && directory !== undefined && !writtenHereFirst(directory)) {
          waste.push({ what: `the ${cache.spec.what} (${directory})`, writer: `\`${cache.operation.invocation}\` at line ${line}`, line, word: removed.path });
        }
      }
    }
  }
  for (const operation of operations) {
    const at = position(operation.command);
    for (const before of earlier) {
      const line = before.run.range.startLine;
      if (operation.action === 'remove') {
        for (const pkg of operation.packages) {
          const installedThere = before.operations.some(
            (install) => install.action === 'install' && install.manager === operation.manager && (install.virtual === pkg.name || install.packages.some((p) => p.name === pkg.name)),
          );
          const installedHere = operations.some((install) => install.action === 'install' && position(install.command) < at && install.packages.some((p) => p.name === pkg.name));
          if (installedThere && !installedHere) waste.push({ what: `package ${pkg.name}`, writer: `the install at line ${line}`, line, word: pkg.word });
        }
      }
      if (operation.action === 'clean') {
        for (const cache of cacheWrites(before)) {
          const family = (manager: string): string => (manager === 'dnf' || manager === 'microdnf' ? 'yum' : manager);
          const rewritten = ownCaches.some((own) => own.operation.manager === cache.operation.manager && position(own.operation.command) < at);
          if (!cache.cleaned && family(cache.operation.manager) === family(operation.manager) && !rewritten) {
            waste.push({ what: `the ${cache.spec.what}`, writer: `\`${cache.operation.invocation}\` at line ${line}`, line, word: operation.subcommand || operation.program });
          }
        }
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
    const instructions = lineageInstructions(context);
    const copies = context.graph.stages[context.graph.target].copies;
    runs.forEach((current, index) => {
      const startLine = current.run.range.startLine;
      const waste = wasteOf(current, runs.slice(0, index), copies.filter((record) => record.line < startLine), instructions);
      if (waste.length === 0) return;
      const items = [...new Set(waste.map((item) => `${item.what} (written by ${item.writer})`))];
      context.report({
        instruction: current.run,
        location: locateWord(context.lines, current.run, waste[0].word),
        message: `deletes what an earlier layer wrote, so the bytes stay in the image: ${items.join('; ')}`,
        data: { deleted: [...new Set(waste.map((item) => item.what))], writtenAt: [...new Set(waste.map((item) => item.line))] },
      });
    });
  },
};
