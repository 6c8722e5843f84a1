/** `FROM --platform=$TARGETPLATFORM`: the default already; BuildKit's RedundantTargetPlatform check. */
import type { DockerfileLintRule } from '../types';

export const redundantTargetPlatform: DockerfileLintRule = {
  meta: {
    id: 'redundant-target-platform',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: '`FROM --platform=$TARGETPLATFORM` repeats the default.',
    rationale: 'A stage is built for the target platform unless `--platform` says otherwise; naming `$TARGETPLATFORM` changes nothing and suggests the flag matters.',
    fix: 'Remove `--platform=$TARGETPLATFORM`; keep `--platform=$BUILDPLATFORM` on stages that should run on the build machine.',
    related: { buildkit: 'RedundantTargetPlatform', hadolint: ['DL3065'] },
    example: { bad: 'FROM --platform=$TARGETPLATFORM alpine:3.20', good: 'FROM alpine:3.20' },
  },
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const platform = stage.from.platform;
      if (platform === undefined || !/^\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})$/.test(platform.replace(/^["']|["']$/g, ''))) continue;
      context.report({ instruction: stage.from, near: platform, message: `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior` });
    }
  },
};
