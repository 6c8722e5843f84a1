/**
 * `apt-get install` in the final image without `--no-install-recommends`: apt then also installs every
 * package the named ones merely recommend (documentation, optional helpers, whole toolchains for some),
 * which the program rarely needs. Build stages are not judged: what they install does not reach the image.
 *
 * Accepted as turning recommends off: `--no-install-recommends`, `-o APT::Install-Recommends=false` (or
 * `0`, `no`, `off`), and aptitude's `-R`/`--without-recommends`. An apt configuration file written by an
 * earlier instruction (`/etc/apt/apt.conf.d/…`) is not followed: use the pragma for such a Dockerfile.
 */
import type { DockerfileLintRule } from '../types';
import { lineageRuns } from './support/final-lineage';
import { hasOption, type PackageOperation } from './support/packages';

const RECOMMENDS_OFF = /^APT::Install-Recommends\s*=?\s*["']?(?:false|0|no|off)["']?$/i;

function recommendsOff(operation: PackageOperation): boolean {
  if (hasOption(operation, '--no-install-recommends')) return true;
  if (operation.program === 'aptitude' && hasOption(operation, '-R', '--without-recommends')) return true;
  // `-o X`, `--option X`, `--option=X`, `-oX`: the option list keeps the value as its own word.
  return operation.options.some((option) => RECOMMENDS_OFF.test(option.replace(/^(?:-o|--option=)/, '')));
}

export const aptInstallRecommends: DockerfileLintRule = {
  meta: {
    id: 'apt-install-recommends',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: '`apt-get install` in the final image without `--no-install-recommends`.',
    rationale:
      'By default apt installs the packages the named ones recommend as well as those they depend on; in the final ' +
      'image these are often tens of megabytes the program never uses. Build stages are not judged, since only what ' +
      'the final stage copies from them reaches the image.',
    fix: 'Add `--no-install-recommends` to `apt-get install` and name any recommended package the program does need explicitly.',
    related: { hadolint: ['DL3015'], other: ['dockerfilelint `apt-get_recommends`'] },
    example: {
      bad: 'RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*',
      good: 'RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*',
    },
  },
  check(context) {
    for (const { run, operations } of lineageRuns(context)) {
      for (const operation of operations) {
        if (operation.manager !== 'apt' || operation.subcommand !== 'install' || operation.packages.length === 0) continue;
        if (recommendsOff(operation)) continue;
        const names = operation.packages.map((pkg) => pkg.name);
        context.report({
          instruction: run,
          location: context.locateCommand(run, operation.command, operation.packages[0].index),
          message: `\`${operation.invocation} ${names.join(' ')}\` also installs the packages ${names.length === 1 ? 'it recommends' : 'they recommend'}; add --no-install-recommends`,
          data: { packages: names },
        });
      }
    }
  },
};
