/**
 * A shell-form RUN with a pipeline (`curl -fsSL … | tar -xz`) and no pipefail: the shell's exit status is the
 * last command's, so a failed download feeding a succeeding `tar` or `tee` still passes the build with a broken
 * result. Accepted as pipefail: a SHELL with `-o pipefail`, or `set -o pipefail` (in any option bundle:
 * `set -euxo pipefail`) earlier in the same RUN. Pipelines inside `sh -c '…'` strings run in another shell and
 * are not judged; nor are RUNs whose SHELL is not a POSIX shell. A pipeline fed only by `echo` or `printf`
 * (`echo "$SHA256 *file" | sha256sum -c -`, as the official images check downloads) hides nothing: those
 * builtins write a string and do not fail, so the last command's status is the pipeline's real result.
 */
import type { InvokedCommand } from '../../shell';
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

/** Shell builtins that only write their arguments: as the feeding side of a pipeline they have no failure to hide. */
const WRITES_ONLY = new Set(['echo', 'printf']);

function setsPipefail(command: InvokedCommand): boolean {
  return programName(command) === 'set' && command.args.some((arg, i) => arg === 'pipefail' && i > 0 && /^-[a-zA-Z]*o$/.test(command.args[i - 1]));
}

export const pipeWithoutPipefail: DockerfileLintRule = {
  meta: {
    id: 'pipe-without-pipefail',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'A RUN pipes one command into another without `pipefail`, so a failure before the last command is ignored.',
    rationale:
      'A pipeline’s exit status is its last command’s. `curl -fsSL https://… | tar -xz` with a failed download, or ' +
      '`make | tee build.log` with a failed build, still succeeds, and the image is built with a missing or broken part. ' +
      'With pipefail any failing command fails the RUN.',
    fix: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, or start the RUN with `set -o pipefail &&` in a shell that has it (bash, busybox ash, dash ≥ 0.5.12).',
    related: { hadolint: ['DL4006'] },
    example: {
      bad: 'RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin',
      good: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin',
    },
  },
  check(context) {
    for (const { run, commands, shell } of neededRuns(context)) {
      if (run.command.form === 'exec') continue;
      if (shell && (shell.includes('pipefail') || /(?:pwsh|powershell|cmd)(?:\.exe)?$/i.test(shell[0] ?? ''))) continue;
      let pipefail = false;
      for (const command of commands) {
        if (setsPipefail(command)) pipefail = true;
        const pipeline = command.pipeline;
        if (pipefail || pipeline === undefined || pipeline.index === pipeline.size - 1 || command.nested === 'shell-string') continue;
        if (WRITES_ONLY.has(programName(command))) continue;
        context.report({
          instruction: run,
          location: context.locateCommand(run, command),
          message: `\`${command.name} … | …\` hides a failure of \`${command.name}\`: only the last command of a pipeline sets the exit status without pipefail`,
        });
        break;
      }
    }
  },
};
