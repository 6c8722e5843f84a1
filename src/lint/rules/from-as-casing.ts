/**
 * `FROM image as name` where FROM is upper case (or `from … AS`): BuildKit's FromAsCasing check, which asks the
 * `AS` keyword to follow the casing of FROM when FROM is written all upper or all lower case.
 */
import type { DockerfileLintRule } from '../types';
import { writtenKeyword } from './support/stage-runs';

export const fromAsCasing: DockerfileLintRule = {
  meta: {
    id: 'from-as-casing',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'The `AS` of `FROM … AS name` is not in the same case as `FROM`.',
    rationale: 'Instructions and their keywords in one casing are easier to read and to search; BuildKit’s `--check` reports the mix.',
    fix: 'Write `FROM image AS name` (or `from image as name` in an all-lower-case Dockerfile).',
    related: { buildkit: 'FromAsCasing' },
    example: { bad: 'FROM golang:1.22 as build', good: 'FROM golang:1.22 AS build' },
  },
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const from = stage.from;
      if (from.stageName === undefined) continue;
      const keyword = writtenKeyword(from);
      const as = /\s(as)\s+\S+\s*$/i.exec(from.original)?.[1];
      if (as === undefined) continue;
      const upper = keyword === keyword.toUpperCase();
      const lower = keyword === keyword.toLowerCase();
      if ((upper && as !== as.toUpperCase()) || (lower && as !== as.toLowerCase())) {
        context.report({ instruction: from, near: `${as} ${from.stageName}`, message: `'${as}' and '${keyword}' keywords' casing do not match` });
      }
    }
  },
};
