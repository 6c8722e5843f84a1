/**
 * An OS package installed without a version (`apt-get install curl`, `apk add git`, `dnf install httpd`): the
 * build installs whatever version the repository has that day. Pinned forms accepted: apt `pkg=version`, apk
 * `pkg=version` / `pkg~version` / `pkg>version`, rpm managers and zypper `pkg-version` (a `-` followed by a
 * digit) or a comparison. Local package files, URLs and words with variables are not judged; nor is
 * `apt-get install` of nothing or `--reinstall`. Reported once per command, at its first unpinned package.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns } from './support/stage-runs';
import type { PackageArgument, PackageOperation } from './support/packages';

const LOCAL_OR_REMOTE = /[/$`]|\.(?:deb|rpm|apk)$|^https?:/;

function pinned(operation: PackageOperation, pkg: PackageArgument): boolean {
  const word = pkg.word;
  if (LOCAL_OR_REMOTE.test(word)) return true;
  switch (operation.manager) {
    case 'apt':
      return word.includes('=');
    case 'apk':
      return /[=~<>]/.test(word);
    case 'yum':
    case 'dnf':
    case 'microdnf':
    case 'zypper':
      return /-\d|[=<>]/.test(word);
    default:
      return true;
  }
}

const OS_MANAGERS = new Set(['apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper']);

export const unpinnedOsPackage: DockerfileLintRule = {
  meta: {
    id: 'unpinned-os-package',
    kind: 'dockerfile',
    category: 'reproducibility',
    severity: 'info',
    description: 'An OS package (apt, apk, yum/dnf, zypper) is installed without a version.',
    rationale:
      'Without a version the package manager installs whatever the repository holds on the day of the build: two builds ' +
      'of the same Dockerfile can differ, and a new release can break the image without any change to it. Many teams accept ' +
      'this for OS packages that only get security fixes within a release, hence `info`; raise it in the config to require pins.',
    fix: 'Pin the version: `apt-get install curl=7.88.1-10+deb12u5`, `apk add git=2.45.2-r0`, `dnf install httpd-2.4.62`; or pin the base image by digest and accept its package set.',
    related: { hadolint: ['DL3008', 'DL3018', 'DL3033', 'DL3037', 'DL3041'] },
    example: {
      bad: 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*',
    },
  },
  check(context) {
    for (const { run, operations } of neededRuns(context)) {
      for (const operation of operations) {
        if (!OS_MANAGERS.has(operation.manager) || operation.action !== 'install' || operation.program === 'apt-mark') continue;
        if (/upgrade|distro-sync|dup|^up$|^update$|^fix$/.test(operation.subcommand) && operation.packages.length === 0) continue;
        const unpinned = operation.packages.filter((pkg) => !pinned(operation, pkg));
        if (unpinned.length === 0) continue;
        context.report({
          instruction: run,
          location: context.locateCommand(run, operation.command, unpinned[0].index),
          message: `\`${operation.invocation}\` installs ${unpinned.map((pkg) => pkg.name).join(', ')} without a version`,
          data: { manager: operation.manager, packages: unpinned.map((pkg) => pkg.name) },
        });
      }
    }
  },
};
