/**
 * A package install that would stop to ask: `apt-get install` without `-y` (or `--yes`, `--assume-yes`,
 * `-qq`, `--force-yes`, `-o APT::Get::Assume-Yes=true`), `yum`/`dnf install` without `-y`, `zypper install`
 * without `-y`/`-n`. A build has no terminal: the prompt reads end of input and the install aborts, or the
 * build depends on a config file written earlier to say yes.
 */
import type { DockerfileLintRule } from '../types';
import { hasOption, type PackageOperation } from './support/packages';
import { neededRuns } from './support/stage-runs';

function assumesYes(operation: PackageOperation): boolean {
  switch (operation.manager) {
    case 'apt':
      return (
        hasOption(operation, '-y', '--yes', '--assume-yes', '-qq', '--force-yes') ||
        operation.options.some((option) => /^-[a-z]*y[a-z]*$/.test(option) || /^-[a-z]*qq/.test(option) || /APT::Get::Assume-Yes\s*=\s*["']?(?:true|1|yes)/i.test(option))
      );
    case 'yum':
    case 'dnf':
    case 'microdnf':
      return operation.program === 'microdnf' || hasOption(operation, '-y', '--assumeyes') || operation.options.some((option) => /^-[a-zA-Z]*y[a-zA-Z]*$/.test(option));
    case 'zypper':
      return hasOption(operation, '-y', '--no-confirm', '-n', '--non-interactive') || operation.options.some((option) => /^-[a-zA-Z]*[yn][a-zA-Z]*$/.test(option));
    default:
      return true;
  }
}

export const installWithoutYes: DockerfileLintRule = {
  meta: {
    id: 'install-without-yes',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: '`apt-get`, `yum`/`dnf` or `zypper` installs without the option that answers yes to its prompt.',
    rationale:
      'A build runs without a terminal. apt-get asks before installing anything beyond the named packages and, reading end ' +
      'of input, aborts; yum, dnf and zypper ask every time. The build then fails, or passes only because a configuration ' +
      'file written earlier answers for it.',
    fix: 'Add `-y` (`apt-get install -y`, `dnf install -y`, `zypper install -y` or `zypper --non-interactive install`).',
    related: { hadolint: ['DL3014', 'DL3030', 'DL3034', 'DL3038'] },
    example: { bad: 'RUN apt-get update && apt-get install --no-install-recommends curl', good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl' },
  },
  check(context) {
    for (const { run, operations } of neededRuns(context)) {
      for (const operation of operations) {
        if (operation.action !== 'install' && operation.action !== 'remove') continue;
        if (!['apt', 'yum', 'dnf', 'microdnf', 'zypper'].includes(operation.manager) || operation.program === 'apt-mark' || operation.program === 'aptitude') continue;
        if (operation.manager === 'apt' && operation.program === 'apt' && operation.subcommand === '') continue;
        if (assumesYes(operation)) continue;
        context.report({
          instruction: run,
          location: context.locateCommand(run, operation.command, operation.subcommandIndex),
          message: `\`${operation.invocation}\` without -y waits for an answer the build cannot give`,
          data: { manager: operation.manager },
        });
      }
    }
  },
};
