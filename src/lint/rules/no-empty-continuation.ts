/**
 * An empty line inside a continued instruction. BuildKit skips it with a warning today and says such lines
 * "will become errors in a future release". BuildKit's NoEmptyContinuation check.
 */
import type { DockerfileLintRule } from '../types';

export const noEmptyContinuation: DockerfileLintRule = {
  meta: {
    id: 'no-empty-continuation',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'An empty line inside an instruction continued with `\\`.',
    rationale: 'BuildKit ignores the empty line and continues the instruction, older builders ended it there, and BuildKit warns that this will become an error: the same file means different things to different builders.',
    fix: 'Remove the empty line, or end the instruction before it.',
    related: { buildkit: 'NoEmptyContinuation' },
    example: { bad: 'RUN apt-get update && \\\n\n    apt-get install -y curl', good: 'RUN apt-get update && \\\n    apt-get install -y curl' },
  },
  check(context) {
    for (const warning of context.dockerfile.warnings) {
      context.report({ location: { line: warning.line, column: 1, endLine: warning.line, endColumn: Math.max(context.lines[warning.line - 1]?.length ?? 0, 1) + 1 }, message: 'Empty continuation line: empty continuation lines will become errors in a future release' });
    }
  },
};
