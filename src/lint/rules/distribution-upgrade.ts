/**
 * A RUN that upgrades every installed package (`apt-get upgrade`, `dist-upgrade`, `full-upgrade`, `apk upgrade`,
 * `yum`/`dnf upgrade` or `update` without package names, `zypper update`/`dist-upgrade`). The image then depends
 * on the day of the build, not on its base image's tag, and the layer duplicates much of the base.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns } from './support/stage-runs';
import type { PackageOperation } from './support/packages';

function upgradesEverything(operation: PackageOperation): boolean {
  const sub = operation.subcommand;
  switch (operation.manager) {
    case 'apt':
      return operation.program !== 'apt-mark' && ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(sub) && operation.packages.length === 0;
    case 'apk':
      return sub === 'upgrade' && operation.packages.length === 0;
    case 'yum':
    case 'dnf':
    case 'microdnf':
      return ['upgrade', 'update', 'distro-sync'].includes(sub) && operation.packages.length === 0;
    case 'zypper':
      return ['update', 'up', 'dist-upgrade', 'dup'].includes(sub) && operation.packages.length === 0;
    default:
      return false;
  }
}

export const distributionUpgrade: DockerfileLintRule = {
  meta: {
    id: 'distribution-upgrade',
    kind: 'dockerfile',
    category: 'reproducibility',
    severity: 'info',
    description: 'A RUN upgrades every installed package (`apt-get upgrade`, `dist-upgrade`, `apk upgrade`, `dnf upgrade`…).',
    rationale:
      'Upgrading the whole distribution inside the image makes its content depend on the day of the build rather than on ' +
      'the base image tag, and writes a layer holding new copies of much of the base. Security fixes are better taken by ' +
      'rebuilding on a newer base image; a single package that needs a fix can be installed with its version.',
    fix: 'Use a newer or digest-pinned base image instead, or upgrade only the package that needs it (`apt-get install -y --only-upgrade openssl`).',
    related: { hadolint: ['DL3035'], other: ['hadolint DL3005 (apt-get upgrade, retired)', 'dockle DKL-DI-0003 (avoid apt-get dist-upgrade)'] },
    example: { bad: 'RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*', good: 'FROM debian:bookworm-20240812-slim' },
  },
  check(context) {
    for (const { run, operations } of neededRuns(context)) {
      for (const operation of operations) {
        if (!upgradesEverything(operation)) continue;
        context.report({
          instruction: run,
          location: context.locateCommand(run, operation.command, operation.subcommandIndex),
          message: `\`${operation.invocation}\` upgrades every installed package: the image depends on the day it is built`,
          data: { manager: operation.manager },
        });
      }
    }
  },
};
