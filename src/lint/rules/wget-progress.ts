/**
 * `wget` without `--progress` or a quiet option prints a progress line per kilobyte into a build log that is
 * not a terminal: megabytes of log for one download.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

export const wgetProgress: DockerfileLintRule = {
  meta: {
    id: 'wget-progress',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: '`wget` without `--progress=dot:giga`, `-q` or `-nv` fills the build log.',
    rationale: 'Without a terminal wget falls back to its dot progress display, one line per few kilobytes: a large download writes thousands of lines into the build log, hiding the lines that matter.',
    fix: 'Add `-q`, `-nv` (`--no-verbose`) or `--progress=dot:giga`.',
    related: { hadolint: ['DL3047'] },
    example: { bad: 'RUN wget https://example.com/big.tar.gz', good: 'RUN wget -nv https://example.com/big.tar.gz' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      for (const command of commands) {
        if (programName(command) !== 'wget') continue;
        const quiet = command.args.some((arg) => /^--(?:progress|quiet|no-verbose|output-file|append-output)\b/.test(arg) || /^-[a-zA-Z]*[qo]/.test(arg) || arg === '-nv' || arg === '-a');
        if (quiet) continue;
        context.report({ instruction: run, location: context.locateCommand(run, command), message: '`wget` without -q, -nv or --progress writes a progress line per few kilobytes into the build log' });
      }
    }
  },
};
