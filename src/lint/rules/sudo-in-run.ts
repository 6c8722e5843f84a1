/**
 * `sudo` in a RUN. Build steps run as the current USER; sudo adds a setuid program and a sudoers policy to the
 * image, and its TTY and environment handling behaves unlike a plain command. Switch with USER instead.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

export const sudoInRun: DockerfileLintRule = {
  meta: {
    id: 'sudo-in-run',
    kind: 'dockerfile',
    category: 'security',
    severity: 'warning',
    description: 'A RUN uses `sudo`.',
    rationale:
      'A build step runs as the stage’s USER and can switch with another USER instruction. sudo in the image is a setuid ' +
      'program with a policy file an attacker in the container can try, and it behaves differently from a plain command ' +
      '(environment reset, TTY requirements, logging).',
    fix: 'Run the step as root with `USER root` before it and switch back with `USER <name>` after it; use gosu or su-exec at run time if the entrypoint must drop privileges.',
    related: { hadolint: ['DL3004'], other: ['dockle DKL-DI-0001 (avoid sudo)'] },
    example: { bad: 'USER app\nRUN sudo apt-get update', good: 'USER root\nRUN apt-get update\nUSER app' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      const sudo = commands.find((command) => programName(command) === 'sudo');
      if (sudo === undefined) continue;
      context.report({ instruction: run, location: context.locateCommand(run, sudo), message: 'sudo in a RUN: switch users with USER instead' });
    }
  },
};
