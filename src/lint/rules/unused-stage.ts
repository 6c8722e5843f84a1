/**
 * A stage the built target never uses: not its base, not copied from, not mounted. BuildKit skips it. Often
 * deliberate (a Dockerfile with several targets: `test`, `dev`, `release`), hence only `info`; otherwise it is
 * dead code that still has to be read and maintained, or a sign that a `COPY --from` names the wrong stage.
 */
import type { DockerfileLintRule } from '../types';

export const unusedStage: DockerfileLintRule = {
  meta: {
    id: 'unused-stage',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'A stage is not needed to build the target: BuildKit skips it.',
    rationale:
      'BuildKit builds only the stages the target depends on (as its base, through `COPY --from` or `RUN --mount=from`). ' +
      'A stage outside that graph is not built, so what it does never reaches the image: it is dead code, or a `COPY --from` ' +
      'names the wrong stage. Dockerfiles with several targets (`--target test`, `--target dev`) have such stages on purpose, ' +
      'which is why this is only informational.',
    fix: 'Remove the stage, or reference it where its output is needed; if it is another target of a multi-target Dockerfile, ignore the rule for it with `# scratchify-ignore unused-stage`.',
    related: { other: ['Docker: "BuildKit only builds the stages that the target stage depends on"'] },
    example: {
      bad: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM golang:1.22 AS lint\nRUN go vet ./...\nFROM scratch\nCOPY --from=build /app /app',
      good: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    },
  },
  check(context) {
    const { graph, dockerfile } = context;
    const target = graph.stages[graph.target];
    const targetName = target.name ? `"${target.name}"` : `stage ${target.index}`;
    for (const index of graph.unused) {
      const stage = dockerfile.stages[index];
      const name = stage.name ? `stage "${stage.name}"` : `stage ${index}`;
      context.report({
        instruction: stage.from,
        message: `${name} (FROM ${stage.from.image}) is not needed to build the target ${targetName}: BuildKit skips it`,
        data: { stage: stage.name ?? index, target: target.name ?? target.index },
      });
    }
  },
};
