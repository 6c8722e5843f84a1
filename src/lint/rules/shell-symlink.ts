/**
 * `ln -sf /bin/bash /bin/sh` in a RUN to get another shell for later RUNs: it changes /bin/sh for every
 * program in the image, at run time too. The SHELL instruction changes the shell of the Dockerfile's own steps.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

export const shellSymlink: DockerfileLintRule = {
  meta: {
    id: 'shell-symlink',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'A RUN replaces /bin/sh with a link to another shell.',
    rationale:
      'Every `system()` call, every `#!/bin/sh` script and every package maintainer script in the image then runs under the ' +
      'new shell, whose behaviour differs (bash in POSIX mode still differs from dash); distribution updates may also put ' +
      '/bin/sh back. SHELL changes only the shell the Dockerfile’s RUN, CMD and ENTRYPOINT use.',
    fix: 'Use `SHELL ["/bin/bash", "-c"]` (or with `-o pipefail`) instead of relinking /bin/sh.',
    related: { hadolint: ['DL4005'] },
    example: { bad: 'RUN ln -sf /bin/bash /bin/sh', good: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      for (const command of commands) {
        if (programName(command) !== 'ln') continue;
        const symbolic = command.args.some((arg) => /^-[a-zA-Z]*s/.test(arg) || arg === '--symbolic');
        const operands = command.args.filter((arg) => !arg.startsWith('-'));
        const index = command.args.lastIndexOf(operands[operands.length - 1] ?? '');
        if (!symbolic || operands.length < 2 || !/^\/(?:usr\/)?bin\/sh$/.test(operands[operands.length - 1])) continue;
        context.report({ instruction: run, location: context.locateCommand(run, command, index), message: `\`ln -s ${operands[0]} ${operands[operands.length - 1]}\` changes /bin/sh for the whole image: use SHELL` });
      }
    }
  },
};
