/**
 * A stage name with upper-case letters (`FROM golang AS Build`). BuildKit lower-cases stage names, so
 * `COPY --from=build` finds it, but the name in the file then differs from the one BuildKit uses.
 */
import type { DockerfileLintRule } from '../types';

export const stageNameCasing: DockerfileLintRule = {
  meta: {
    id: 'stage-name-casing',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'A stage name is not lower case.',
    rationale: 'BuildKit lower-cases stage names: `--target Build`, `COPY --from=BUILD` and `FROM build` all name the stage written `Build`, so the written casing only misleads.',
    fix: 'Write stage names in lower case (`FROM golang:1.22 AS build`).',
    related: { buildkit: 'StageNameCasing' },
    example: { bad: 'FROM golang:1.22 AS Build', good: 'FROM golang:1.22 AS build' },
  },
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const name = stage.from.stageName;
      if (name === undefined || name === name.toLowerCase()) continue;
      context.report({ instruction: stage.from, near: name, message: `Stage name '${name}' should be lowercase` });
    }
  },
};
