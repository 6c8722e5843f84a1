/**
 * A package manager's cache or index left in the layer that wrote it, in the final image: apt's package
 * lists, apk's index cache, yum/dnf/zypper metadata, pip's wheel cache, npm's and yarn's caches. A later
 * RUN deleting them does not help (the bytes stay in the earlier layer; `cleanup-in-separate-layer`), so the
 * cleanup must be in the same RUN — or the cache must not be in the layer at all, which a
 * `RUN --mount=type=cache` (or tmpfs) on the cache directory achieves and this rule accepts.
 *
 * apt: only a RUN that runs `apt-get update` writes the lists; a RUN that installs without updating reuses
 * lists an earlier layer wrote, and that earlier RUN is the one reported. Debian's and Ubuntu's images
 * already delete downloaded .deb files after each install (their docker-clean apt configuration), so
 * `apt-get clean` is not asked for.
 */
import type { DockerfileLintRule } from '../types';
import { lineageRuns } from './support/final-lineage';
import { cacheWrites } from './support/package-caches';
import type { PackageManager } from './support/packages';

export const packageCacheNotCleaned: DockerfileLintRule = {
  meta: {
    id: 'package-cache-not-cleaned',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'A package manager leaves its cache or index (apt lists, apk, yum/dnf, pip, npm, yarn) in a layer of the final image.',
    rationale:
      'Package indexes and download caches are only needed while installing; left in a layer they add megabytes ' +
      '(apt lists alone are 20–40 MB) that no later instruction can take back out. Deleting them in the same RUN, ' +
      'or keeping them on a `RUN --mount=type=cache` mount, keeps them out of the image. Build stages are not judged.',
    fix: 'Clean the cache in the same RUN (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `dnf clean all`, `pip install --no-cache-dir`, `npm cache clean --force`), or mount it: `RUN --mount=type=cache,target=/var/lib/apt/lists …`.',
    related: { hadolint: ['DL3009', 'DL3019', 'DL3032', 'DL3036', 'DL3040', 'DL3042', 'DL3060'], other: ['dockerfilelint `apt-get_missing_rm`', 'dockerfile_lint `no_yum_clean_all`'] },
    example: {
      bad: 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates',
      good: 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\\n && rm -rf /var/lib/apt/lists/*',
    },
  },
  check(context) {
    for (const lineageRun of lineageRuns(context)) {
      const { run } = lineageRun;
      const reported = new Set<PackageManager>();
      for (const { operation, spec, directories, cleaned } of cacheWrites(lineageRun)) {
        if (cleaned || reported.has(operation.manager)) continue;
        reported.add(operation.manager);
        context.report({
          instruction: run,
          location: context.locateCommand(run, operation.command),
          message: `\`${operation.invocation}\` leaves the ${spec.what} (${directories[0]}) in this layer; clean it in the same RUN`,
          fix: `${spec.cleanup} in this RUN, or mount the cache: \`RUN --mount=type=cache,target=${directories[0].replace(/^~/, '/root')} …\`.`,
          data: { manager: operation.manager, cache: directories[0] },
        });
      }
    }
  },
};
