/**
 * `FROM --platform=linux/amd64 …` with a constant: the stage is always built for that platform, so a
 * multi-platform build gets amd64 content in its arm64 image. BuildKit's FromPlatformFlagConstDisallowed check,
 * which allows a constant when the stage name mentions its OS or architecture (`AS build-amd64`).
 */
import type { DockerfileLintRule } from '../types';

export const fromPlatformFlagConst: DockerfileLintRule = {
  meta: {
    id: 'from-platform-flag-const',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: '`FROM --platform` names a constant platform.',
    rationale: 'A constant platform pins the stage to one architecture whatever `docker build --platform` asks for: a multi-platform build silently ships that architecture’s files in every image, or an emulated build.',
    fix: 'Use `--platform=$BUILDPLATFORM` for stages that run on the build machine, leave it out otherwise; if the stage is meant for one platform only, say so in its name (`AS tools-amd64`).',
    related: { buildkit: 'FromPlatformFlagConstDisallowed', hadolint: ['DL3029'] },
    example: { bad: 'FROM --platform=linux/amd64 golang:1.22 AS build', good: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build' },
  },
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const platform = stage.from.platform;
      if (platform === undefined || platform.includes('$')) continue;
      const [os = '', arch = ''] = platform.toLowerCase().split('/');
      const name = stage.name ?? '';
      if ((os && name.includes(os)) || (arch && name.includes(arch))) continue;
      context.report({ instruction: stage.from, near: platform, message: `FROM --platform flag should not use constant value "${platform}"` });
    }
  },
};
