/**
 * `ENV A=1 B=$A`: every value of one ENV line is expanded with the variables in force *before* that line, so
 * `B` gets the old `A` (empty, here), not 1.
 */
import type { DockerfileLintRule } from '../types';
import { allInstructions } from './support/stage-runs';
import { referencedNames } from './undefined-arg-in-from';

export const envSelfReference: DockerfileLintRule = {
  meta: {
    id: 'env-self-reference',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'An ENV value uses a variable that the same ENV instruction sets.',
    rationale: 'BuildKit expands the whole ENV instruction before setting any of its variables: in `ENV A=1 B=$A`, B receives A’s earlier value (often empty), not 1.',
    fix: 'Split it into two instructions: `ENV A=1` then `ENV B=$A`.',
    related: { hadolint: ['DL3044'] },
    example: { bad: 'ENV APP_HOME=/app APP_BIN=$APP_HOME/bin', good: 'ENV APP_HOME=/app\nENV APP_BIN=$APP_HOME/bin' },
  },
  check(context) {
    for (const instruction of allInstructions(context)) {
      if (instruction.keyword !== 'ENV') continue;
      const setEarlier = new Set<string>();
      for (const pair of instruction.pairs) {
        const used = referencedNames(pair.value.startsWith("'") ? '' : pair.value).find((name) => setEarlier.has(name));
        if (used !== undefined) context.report({ instruction, near: pair.key, message: `ENV ${pair.key} uses $${used}, which this ENV sets: it gets the value from before this instruction` });
        setEarlier.add(pair.key);
      }
    }
  },
};
