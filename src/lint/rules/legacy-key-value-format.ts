/**
 * `ENV key value` and `LABEL key value`: the legacy whitespace form sets one variable to the rest of the line,
 * spaces included, where `key=value` sets as many as written. BuildKit's LegacyKeyValueFormat check.
 */
import type { DockerfileLintRule } from '../types';
import { allInstructions } from './support/stage-runs';

export const legacyKeyValueFormat: DockerfileLintRule = {
  meta: {
    id: 'legacy-key-value-format',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'ENV or LABEL uses the legacy `key value` form instead of `key=value`.',
    rationale:
      'In the legacy form everything after the first space is the value: `ENV PATH /usr/local/bin:$PATH MODE prod` sets PATH ' +
      'to a value ending in " MODE prod". The `key=value` form says where each value ends, allows several pairs per line, and ' +
      'is the only form Docker documents as current.',
    fix: 'Write `ENV key=value` (quote values with spaces: `ENV GREETING="hello world"`).',
    related: { buildkit: 'LegacyKeyValueFormat' },
    example: { bad: 'ENV PYTHON_VERSION 3.12.4', good: 'ENV PYTHON_VERSION=3.12.4' },
  },
  check(context) {
    for (const instruction of allInstructions(context)) {
      if (instruction.keyword !== 'ENV' && instruction.keyword !== 'LABEL') continue;
      const legacy = instruction.pairs.find((pair) => pair.legacy);
      if (!legacy) continue;
      context.report({ instruction, near: legacy.key, message: `"${instruction.keyword} ${legacy.key} <value>" uses the legacy whitespace form: write ${instruction.keyword} ${legacy.key}=<value>` });
    }
  },
};
