/**
 * Commands that make no sense in a build step (hadolint DL3001's list): interactive tools (`vim`, `top`, `ssh`),
 * process and system control (`kill`, `ps`, `free`, `service`, `shutdown`, `mount`, `ifconfig`). A build step
 * has no terminal, no init system and no other processes; what it starts ends with the RUN.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

const POINTLESS = new Set(['ssh', 'vim', 'shutdown', 'service', 'ps', 'free', 'top', 'kill', 'mount', 'ifconfig']);

export const pointlessCommand: DockerfileLintRule = {
  meta: {
    id: 'pointless-command',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'A RUN calls a command that has no effect or no use in a build step (`service`, `kill`, `vim`, `ssh`, `mount`…).',
    rationale:
      'A RUN runs in a fresh container without a terminal, an init system or the processes of other steps: a service started ' +
      'there stops when the RUN ends, an editor waits for input that never comes, `mount` and `ifconfig` need privileges ' +
      'the build does not have. Such lines are left over from an interactive session.',
    fix: 'Remove the command; start services from the ENTRYPOINT or the orchestrator, and configure files with COPY or a non-interactive command.',
    related: { hadolint: ['DL3001'] },
    example: { bad: 'RUN service nginx start', good: 'CMD ["nginx", "-g", "daemon off;"]' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      const pointless = commands.find((command) => POINTLESS.has(programName(command)) && command.nested !== 'substitution');
      if (pointless === undefined) continue;
      context.report({ instruction: run, location: context.locateCommand(run, pointless), message: `\`${programName(pointless)}\` in a RUN has no lasting effect in a build step` });
    }
  },
};
