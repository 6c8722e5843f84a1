/**
 * Instruction keywords in mixed casing: each keyword should be all upper or all lower case (`Run` is neither),
 * and in the casing most of the file uses. BuildKit's ConsistentInstructionCasing check, counted as it counts
 * (validations.go: FROM lines and the instructions of each stage).
 */
import type { DockerfileLintRule } from '../types';
import { writtenKeyword } from './support/stage-runs';

export const consistentInstructionCasing: DockerfileLintRule = {
  meta: {
    id: 'consistent-instruction-casing',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'An instruction keyword is not in the casing the rest of the Dockerfile uses.',
    rationale: 'Keywords are case-insensitive, but a file that mixes `RUN` and `run` (or writes `Run`) is harder to read and to search; BuildKit’s `--check` reports it.',
    fix: 'Write every instruction keyword in upper case (or every one in lower case).',
    related: { buildkit: 'ConsistentInstructionCasing' },
    example: { bad: 'FROM alpine:3.20\nrun apk add --no-cache curl', good: 'FROM alpine:3.20\nRUN apk add --no-cache curl' },
  },
  check(context) {
    const instructions = context.dockerfile.stages.flatMap((stage) => [stage.from, ...stage.instructions]);
    let lower = 0;
    let upper = 0;
    for (const instruction of instructions) {
      const keyword = writtenKeyword(instruction);
      if (keyword === keyword.toLowerCase()) lower++;
      else if (keyword === keyword.toUpperCase()) upper++;
    }
    const majorityLower = lower > upper;
    for (const instruction of instructions) {
      const keyword = writtenKeyword(instruction);
      const wanted = majorityLower ? keyword.toLowerCase() : keyword.toUpperCase();
      if (keyword === wanted) continue;
      context.report({ instruction, near: keyword, message: `Command '${keyword}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})` });
    }
  },
};
