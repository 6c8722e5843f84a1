/**
 * Shell-form ENTRYPOINT or CMD in the final image: Docker runs it as `/bin/sh -c "…"`, so the shell is PID 1,
 * signals from `docker stop` go to the shell (which does not forward them) and the program is killed after
 * the stop timeout instead of shutting down cleanly. The shell must also exist, which rules out FROM scratch.
 */
import type { CmdInstruction, EntrypointInstruction, Instruction } from '../../dockerfile/ir';
import type { DockerfileLintRule } from '../types';

/** The ENTRYPOINT and CMD the image ends up with: the last of each in the final stage's lineage. */
export function effectiveCommands(instructions: readonly Instruction[]): Array<EntrypointInstruction | CmdInstruction> {
  const entrypoint = instructions.filter((i): i is EntrypointInstruction => i.keyword === 'ENTRYPOINT').pop();
  const cmd = instructions.filter((i): i is CmdInstruction => i.keyword === 'CMD').pop();
  return [entrypoint, cmd].filter((i): i is EntrypointInstruction | CmdInstruction => i !== undefined);
}

export const shellFormCommand: DockerfileLintRule = {
  meta: {
    id: 'shell-form-command',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'The final image starts its program through a shell (shell-form ENTRYPOINT or CMD).',
    rationale:
      'Docker runs a shell-form command as `/bin/sh -c "…"`: the shell becomes PID 1 and does not pass SIGTERM on, ' +
      'so `docker stop` waits for its timeout and kills the program. It also needs a shell in the image, which a ' +
      'minimal image does not have.',
    fix: 'Write the command in exec form, e.g. `ENTRYPOINT ["/app/server", "--port", "8080"]`, or start the shell script with `exec`.',
    related: { buildkit: 'JSONArgsRecommended', hadolint: ['DL3025'] },
    example: { bad: 'CMD node server.js', good: 'CMD ["node", "server.js"]' },
  },
  check(context) {
    const instructions = context.finalLineage.flatMap((stage) => stage.instructions);
    // BuildKit's check stays quiet once SHELL is set: the shell form is then a deliberate choice.
    if (instructions.some((instruction) => instruction.keyword === 'SHELL')) return;
    for (const instruction of effectiveCommands(instructions)) {
      if (instruction.command.form !== 'shell') continue;
      // `exec prog` makes the program replace the shell, so it receives the signals.
      if (/^\s*exec\s/.test(instruction.command.script)) continue;
      context.report({
        instruction,
        message: `${instruction.keyword} is in shell form: /bin/sh becomes PID 1 and \`docker stop\` signals do not reach the program`,
        data: { keyword: instruction.keyword },
      });
    }
  },
};
