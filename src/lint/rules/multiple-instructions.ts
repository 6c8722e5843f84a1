/**
 * More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last takes effect. Reported at the earlier,
 * ignored one, as BuildKit's MultipleInstructionsDisallowed check does.
 */
import type { Instruction } from '../../dockerfile/ir';
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const multipleInstructions: DockerfileLintRule = {
  meta: {
    id: 'multiple-instructions',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'A stage has more than one CMD, ENTRYPOINT or HEALTHCHECK; all but the last are ignored.',
    rationale: 'The image config holds one command, one entrypoint and one health check: each instruction replaces the one before, so an earlier one does nothing and misleads whoever reads the file.',
    fix: 'Keep only the last CMD, ENTRYPOINT or HEALTHCHECK of the stage (combine what the earlier one did into it).',
    related: { buildkit: 'MultipleInstructionsDisallowed', hadolint: ['DL3012', 'DL4003', 'DL4004'] },
    example: { bad: 'CMD ["nginx"]\nCMD ["nginx", "-g", "daemon off;"]', good: 'CMD ["nginx", "-g", "daemon off;"]' },
  },
  check(context) {
    for (const stage of neededStages(context)) {
      const last = new Map<string, Instruction>();
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'CMD' && instruction.keyword !== 'ENTRYPOINT' && instruction.keyword !== 'HEALTHCHECK') continue;
        const earlier = last.get(instruction.keyword);
        if (earlier) context.report({ instruction: earlier, message: `Multiple ${instruction.keyword} instructions should not be used in the same stage because only the last one will be used` });
        last.set(instruction.keyword, instruction);
      }
    }
  },
};
