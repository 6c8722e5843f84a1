/**
 * RUN instructions one after another in a stage of the final image: each is a layer, and what one writes and
 * a later one deletes stays in the image. Only the final image's lineage is judged.
 */
import type { DockerfileLintRule } from '../types';

export const consecutiveRun: DockerfileLintRule = {
  meta: {
    id: 'consecutive-run',
    kind: 'dockerfile',
    category: 'size',
    severity: 'info',
    description: 'Two or more RUN instructions follow each other in the final image.',
    rationale: 'Each RUN adds a layer. Consecutive RUNs can usually be one: fewer layers to pull, and files one step writes and the next deletes never reach the image. Steps that change rarely are sometimes kept apart on purpose for the build cache, hence `info`.',
    fix: 'Join consecutive RUNs with `&&` (or a heredoc), keeping apart only steps that are worth caching separately.',
    related: { hadolint: ['DL3059'] },
    example: { bad: 'RUN apt-get update\nRUN apt-get install -y curl', good: 'RUN apt-get update && apt-get install -y curl' },
  },
  check(context) {
    for (const stage of context.finalLineage) {
      let streak = 0;
      for (const instruction of stage.instructions) {
        streak = instruction.keyword === 'RUN' ? streak + 1 : 0;
        if (streak === 2) context.report({ instruction, message: 'this RUN follows another RUN: join them to save a layer' });
      }
    }
  },
};
