/**
 * `cd` in a RUN to set the directory for the commands after it. WORKDIR says the same once, for every later
 * instruction, and shows in the image config; a chain of `cd`s is easy to get wrong. Commands inside `sh -c`
 * strings and command substitutions are not judged, nor is `cd -`, nor a `cd` into a directory the same RUN
 * removes afterwards (`cd /usr/src/python; ./configure; make install; rm -rf /usr/src/python`, as the official
 * images build from source): WORKDIR would leave the image pointing at a directory that no longer exists. A
 * `cd /` or `cd ..` after such a `cd` only leaves it.
 */
import type { InvokedCommand } from '../../shell';
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

/** A path word without trailing slashes; the word itself for `/`. */
function trimmed(word: string): string {
  return word.replace(/(?<=.)\/+$/, '');
}

/** Whether a later `rm` of the RUN removes `directory` or a directory holding it. */
function removedLater(commands: readonly InvokedCommand[], from: number, directory: string): boolean {
  const target = trimmed(directory);
  return commands.slice(from + 1).some(
    (command) =>
      programName(command) === 'rm' &&
      command.args.some((arg) => {
        if (arg.startsWith('-')) return false;
        const removed = trimmed(arg);
        return removed !== '/' && (target === removed || target.startsWith(`${removed}/`));
      }),
  );
}

export const cdInsteadOfWorkdir: DockerfileLintRule = {
  meta: {
    id: 'cd-instead-of-workdir',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'A RUN changes directory with `cd` instead of using WORKDIR.',
    rationale:
      'WORKDIR sets the directory for every later RUN, COPY, CMD and ENTRYPOINT and is recorded in the image; a `cd` lasts ' +
      'for one RUN only, so the next RUN silently runs elsewhere. A `cd` into a directory the same RUN builds in and then ' +
      'deletes is fine and not reported; other uses can be deliberate too, hence `info`.',
    fix: 'Use `WORKDIR /path` before the RUN, or a command’s own directory option (`make -C dir`, `git -C dir`, `tar -C dir`).',
    related: { hadolint: ['DL3003'] },
    example: { bad: 'RUN cd /app && npm ci', good: 'WORKDIR /app\nRUN npm ci' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      let leftOne = false;
      const cd = commands.find((command, index) => {
        if (programName(command) !== 'cd' || command.nested !== undefined || command.args[0] === '-') return false;
        // `cd /` or `cd ..` after an earlier cd only leaves the directory the RUN worked in.
        if (leftOne && (command.args[0] === '/' || command.args[0] === '..')) return false;
        leftOne = true;
        return !(command.args[0] !== undefined && removedLater(commands, index, command.args[0]));
      });
      if (cd === undefined) continue;
      context.report({ instruction: run, location: context.locateCommand(run, cd), message: `\`cd${cd.args[0] ? ` ${cd.args[0]}` : ''}\` in a RUN: use WORKDIR for the directory later commands run in` });
    }
  },
};
