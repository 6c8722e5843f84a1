/**
 * A download piped straight into a shell or interpreter (`curl -fsSL https://… | sh`, `wget -qO- … | bash -s`,
 * `curl … | python3 -`): whatever the server sends that day runs as root in the build, unverified.
 */
import type { InvokedCommand } from '../../shell';
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
const SHELLS = /^(?:sh|bash|dash|ash|zsh|ksh|mksh|busybox)$/;
const INTERPRETERS = /^(?:python\d*(?:\.\d+)*|perl|ruby|node|php)$/;

function runsStdin(command: InvokedCommand): boolean {
  const program = programName(command);
  if (SHELLS.test(program)) return !command.args.some((arg) => arg === '-c') && (command.args.length === 0 || command.args[0].startsWith('-'));
  return INTERPRETERS.test(program) && (command.args.length === 0 || command.args[0] === '-');
}

export const pipeDownloadToShell: DockerfileLintRule = {
  meta: {
    id: 'pipe-download-to-shell',
    kind: 'dockerfile',
    category: 'security',
    severity: 'warning',
    description: 'A RUN pipes a download (`curl`, `wget`) straight into a shell or interpreter.',
    rationale:
      'The script runs as it arrives, as root in the build, with nothing checking that it is the script you reviewed: a ' +
      'compromised server, a changed install script or a truncated download runs all the same, and the next build can ' +
      'run something else.',
    fix: 'Download the script to a file, check it against a known digest (`echo "<sha256>  install.sh" | sha256sum -c -`), then run it; or use `ADD --checksum=sha256:… <url>`, or the project’s package.',
    related: { other: ['Trivy misconfiguration checks and several security guides (“curl | sh”)'] },
    example: {
      bad: 'RUN curl -fsSL https://example.com/install.sh | sh',
      good: 'ADD --checksum=sha256:0123…cdef https://example.com/install.sh /tmp/install.sh\nRUN sh /tmp/install.sh && rm /tmp/install.sh',
    },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      const downloads = new Map<number, InvokedCommand>();
      for (const command of commands) {
        if (!command.pipeline) continue;
        const { id } = command.pipeline;
        if (DOWNLOADERS.has(programName(command)) && !downloads.has(id)) downloads.set(id, command);
        const download = downloads.get(id);
        if (download && download !== command && runsStdin(command)) {
          context.report({
            instruction: run,
            location: context.locateCommand(run, command),
            message: `\`${programName(download)} … | ${programName(command)}\` runs a downloaded script without checking it`,
          });
          break;
        }
      }
    }
  },
};
