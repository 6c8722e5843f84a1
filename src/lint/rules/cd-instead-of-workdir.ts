/**
 * `cd` in a RUN to set the directory for the commands after it. WORKDIR says the same once, for every later
 * instruction, and shows in the image config; a chain of `cd`s is easy to get wrong. Commands inside `sh -c`
 * strings and command substitutions are not judged, nor is `cd -`.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

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
      'deletes is fine, hence `info`.',
    fix: 'Use `WORKDIR /path` before the RUN, or a command’s own directory option (`make -C dir`, `git -C dir`, `tar -C dir`).',
    related: { hadolint: ['DL3003'] },
    example: { bad: 'RUN cd /app && npm ci', good: 'WORKDIR /app\nRUN npm ci' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      const cd = commands.find((command) => programName(command) === 'cd' && command.nested === undefined && command.args[0] !== '-');
      if (cd === undefined) continue;
      context.report({ instruction: run, location: context.locateCommand(run, cd), message: `\`cd${cd.args[0] ? ` ${cd.args[0]}` : ''}\` in a RUN: use WORKDIR for the directory later commands run in` });
    }
  },
};
