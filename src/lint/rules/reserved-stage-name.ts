/** A stage named `scratch` or `context`, words BuildKit gives another meaning. BuildKit's ReservedStageName check. */
import type { DockerfileLintRule } from '../types';

export const reservedStageName: DockerfileLintRule = {
  meta: {
    id: 'reserved-stage-name',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'A stage is named `scratch` or `context`.',
    rationale: '`scratch` is the empty image and `context` the build context in `COPY --from` and `--mount from=`: a stage of that name is shadowed or shadows, depending on where it is used.',
    fix: 'Rename the stage (`AS base`, `AS sources`).',
    related: { buildkit: 'ReservedStageName', hadolint: ['DL3063'] },
    example: { bad: 'FROM alpine:3.20 AS scratch', good: 'FROM alpine:3.20 AS base' },
  },
  check(context) {
    for (const stage of context.dockerfile.stages) {
      if (stage.name === 'scratch' || stage.name === 'context') {
        context.report({ instruction: stage.from, near: stage.from.stageName, message: `'${stage.name}' is reserved and should not be used as a stage name` });
      }
    }
  },
};
