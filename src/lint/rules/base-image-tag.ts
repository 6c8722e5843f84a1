/**
 * An external image pulled without a version: no tag (Docker pulls `latest`) or the `latest` tag itself, in
 * FROM, `COPY --from=<image>` or `RUN --mount=from=<image>`. Such builds are not reproducible: the same
 * Dockerfile builds something else next month.
 *
 * Only stages the target needs are judged: BuildKit does not build the others, so their images are not
 * pulled. FROM lines are judged by their expanded value (`FROM debian:${VERSION}` with `ARG VERSION=12` is
 * `debian:12`); one that uses a global ARG without a default, or any other variable with no known value, is
 * not judged, since the value comes from `--build-arg`. A bare name in `COPY --from` or `--mount from=` that is
 * not a Docker Official Image (`COPY --from=binaries …`) is not judged either: it is most often a build context
 * that `docker buildx bake` or `--build-context` names, which BuildKit uses instead of pulling an image.
 */
import type { Instruction } from '../../dockerfile/ir';
import { platformArgs } from '../../stages/scope';
import type { DockerfileLintContext, DockerfileLintRule } from '../types';
import { mayBeNamedContext, unpinnedTag } from './support/image-reference';

/** Names of the variables `word` references (`$A`, `${B}`, `${C:-x}`). */
function referencedVariables(word: string): string[] {
  return [...word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
}

/** Variables a FROM line sees with a value whatever the build arguments: global ARGs with a default, and the platform ARGs. */
function variablesWithDefaults(context: DockerfileLintContext): Set<string> {
  const known = new Set(Object.keys(platformArgs()));
  for (const instruction of context.dockerfile.globalArgs) {
    for (const arg of instruction.args) {
      if (arg.defaultValue !== undefined) known.add(arg.name);
      else known.delete(arg.name);
    }
  }
  return known;
}

function unpinnedMessage(problem: 'no tag' | 'latest', reference: string): string {
  return problem === 'no tag'
    ? `${reference} has no tag, so Docker pulls ${reference}:latest, which changes whenever a new version is pushed`
    : `${reference} uses the latest tag, which changes whenever a new version is pushed`;
}

export const baseImageTag: DockerfileLintRule = {
  meta: {
    id: 'base-image-tag',
    kind: 'dockerfile',
    category: 'reproducibility',
    severity: 'warning',
    description: 'An image the build pulls (FROM, COPY --from, RUN --mount=from) has no tag or the `latest` tag.',
    rationale:
      'Without a version, `docker build` pulls whatever `latest` is that day: rebuilding the same Dockerfile yields a ' +
      'different image, a new major version can break the build or the program, and a vulnerability scan of one build says ' +
      'nothing about the next. Stages the target does not need are not judged: BuildKit does not build them.',
    fix: 'Name a version tag (`node:20.11-bookworm-slim`), and for fully reproducible builds pin the digest too (`node:20.11-bookworm-slim@sha256:…`), updated by Renovate or Dependabot.',
    related: { hadolint: ['DL3006', 'DL3007'], other: ['dockerfilelint `missing_tag`, `latest_tag`'] },
    example: {
      bad: 'FROM golang AS build\nRUN go build -o /app .\nFROM alpine:latest\nCOPY --from=build /app /app',
      good: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app',
    },
  },
  check(context) {
    const { graph, dockerfile } = context;
    const known = variablesWithDefaults(context);
    for (const index of graph.needed) {
      const stage = dockerfile.stages[index];
      const instructionsByLine = new Map<number, Instruction>(stage.instructions.map((instruction) => [instruction.range.startLine, instruction]));
      for (const dependency of graph.stages[index].dependencies) {
        if (dependency.image === undefined) continue;
        if (dependency.via === 'from') {
          const written = stage.from.image;
          if (!referencedVariables(written).every((name) => known.has(name))) continue;
          const problem = unpinnedTag(dependency.image);
          if (!problem) continue;
          const expanded = written === dependency.image ? '' : ` (${dependency.image})`;
          context.report({
            instruction: stage.from,
            near: written,
            message: `FROM ${written}${expanded}: ${unpinnedMessage(problem, dependency.image)}`,
            data: { image: dependency.image, problem },
          });
        } else {
          const instruction = instructionsByLine.get(dependency.line);
          if (!instruction || dependency.image.includes('$') || mayBeNamedContext(dependency.image)) continue;
          const problem = unpinnedTag(dependency.image);
          if (!problem) continue;
          const what = dependency.via === 'copy' ? `COPY --from=${dependency.image}` : `RUN --mount=from=${dependency.image}`;
          context.report({
            instruction,
            near: dependency.image,
            message: `${what}: ${unpinnedMessage(problem, dependency.image)}`,
            data: { image: dependency.image, problem },
          });
        }
      }
    }
  },
};
