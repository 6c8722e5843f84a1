/**
 * Two stages with the same name (compared lower-cased). BuildKit builds it (the later stage takes the name for
 * later references) and reports DuplicateStageName; earlier BuildKit releases refused the file.
 */
import type { DockerfileLintRule } from '../types';

export const duplicateStageName: DockerfileLintRule = {
  meta: {
    id: 'duplicate-stage-name',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'Two stages have the same name.',
    rationale: 'References to the name then mean different stages at different places of the file (`FROM name` the one before it, `COPY --from=name` and `--target` the last), and older builders refuse the file.',
    fix: 'Give each stage its own name.',
    related: { buildkit: 'DuplicateStageName', hadolint: ['DL3024'] },
    example: { bad: 'FROM golang:1.22 AS build\nFROM node:20 AS build', good: 'FROM golang:1.22 AS build-go\nFROM node:20 AS build-web' },
  },
  check(context) {
    const seen = new Set<string>();
    for (const stage of context.dockerfile.stages) {
      if (stage.name === undefined) continue;
      if (seen.has(stage.name)) context.report({ instruction: stage.from, near: stage.from.stageName, message: `Duplicate stage name "${stage.name}", stage names should be unique` });
      seen.add(stage.name);
    }
  },
};
