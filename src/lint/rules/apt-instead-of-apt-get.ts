/**
 * `apt` in a RUN: apt's command-line interface is for people (progress bars, colours, a warning that it "does
 * not have a stable CLI interface"); scripts use apt-get and apt-cache, whose output and options do not change.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

export const aptInsteadOfAptGet: DockerfileLintRule = {
  meta: {
    id: 'apt-instead-of-apt-get',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'A RUN calls `apt` where a script should call `apt-get` or `apt-cache`.',
    rationale:
      '`apt` is the interactive front end: it warns "apt does not have a stable CLI interface. Use with caution in scripts", ' +
      'its output and defaults may change between releases, and it draws progress bars into the build log. `apt-get` and ' +
      '`apt-cache` are the stable interfaces for scripts.',
    fix: 'Replace `apt install` by `apt-get install`, `apt update` by `apt-get update`, `apt search`/`apt show` by `apt-cache`.',
    related: { hadolint: ['DL3027'] },
    example: { bad: 'RUN apt update && apt install -y curl', good: 'RUN apt-get update && apt-get install -y curl' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      const apt = commands.find((command) => programName(command) === 'apt' && command.args.length > 0);
      if (apt === undefined) continue;
      context.report({ instruction: run, location: context.locateCommand(run, apt), message: `\`apt ${apt.args[0]}\` in a script: use apt-get or apt-cache, whose interface is stable` });
    }
  },
};
