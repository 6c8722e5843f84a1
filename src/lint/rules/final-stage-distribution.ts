/**
 * The final image starts from a Linux distribution, or from a language, toolchain or server image built on
 * one. Such a base brings a shell, a package manager, core utilities and libraries; a program that needs
 * none of them fits in FROM scratch or a distroless image. Whether it does cannot be told from the
 * Dockerfile, so the message says what the base is and what would check it (`scratchify slim`), not that
 * the program runs without it.
 *
 * The base is the lineage root: for `FROM base` where `base` is an earlier stage, the image that stage
 * starts from. Not reported: scratch, distroless-style bases (gcr.io/distroless, cgr.dev/chainguard except
 * wolfi-base, chiseled and `*distroless*` images, UBI micro), busybox (a few megabytes, no package manager),
 * and images this rule does not recognise by name (private or unusual bases).
 */
import type { DockerfileLintRule } from '../types';
import { baseImageNote } from './support/base-image-purpose';
import { classifyBase } from './support/base-images';

export const finalStageDistribution: DockerfileLintRule = {
  meta: {
    id: 'final-stage-distribution',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'The final image is built on a full Linux distribution or on a language image built on one.',
    rationale:
      'A distribution base brings a shell, a package manager, core utilities and shared libraries — tens to hundreds ' +
      'of megabytes, and the tools an attacker in the container would use. Many programs need only their own files ' +
      'and a few libraries, which fit in FROM scratch or a distroless image. Slim and Alpine variants are smaller but ' +
      'still distributions. The Dockerfile alone cannot show what the program needs at run time.',
    fix: 'Build in a build stage and copy only the program and the files it needs into FROM scratch or a distroless image; `scratchify slim` traces which files those are and writes that final stage.',
    related: { other: ['SlimToolkit `slim build` (minifies the built image)', 'hadolint: no equivalent rule'] },
    example: {
      bad: 'FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /app',
      good: 'FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    },
  },
  check(context) {
    const root = context.finalLineage[0];
    const base = context.finalBase;
    if (base.kind !== 'image') return;
    const found = classifyBase(base.reference);
    if (found === undefined || (found.kind !== 'distribution' && found.kind !== 'runtime')) return;
    const what =
      found.kind === 'distribution'
        ? found.slim
          ? 'a slimmed Linux distribution (still a shell, a package manager and core utilities)'
          : 'a full Linux distribution'
        : found.slim
          ? 'a language or server image on a slimmed distribution'
          : 'a language or server image on a full distribution';
    const viaStage = root !== context.target ? ` (via stage ${root.name ?? root.index})` : '';
    const quiet = baseImageNote(context);
    context.report({
      instruction: root.from,
      near: root.from.image,
      defaultSeverity: quiet.defaultSeverity,
      message: `the final image is built on ${base.reference}${viaStage}, ${what}; if the program needs none of it, FROM scratch or distroless would hold it — \`scratchify slim\` can check which files it needs${quiet.note}`,
      data: { base: base.reference, kind: found.kind, slim: found.slim },
    });
  },
};
