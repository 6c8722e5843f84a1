/** MAINTAINER: deprecated since Docker 1.13; a LABEL says the same and tools read labels. */
import type { DockerfileLintRule } from '../types';
import { allInstructions } from './support/stage-runs';

export const maintainerDeprecated: DockerfileLintRule = {
  meta: {
    id: 'maintainer-deprecated',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'The Dockerfile uses the deprecated MAINTAINER instruction.',
    rationale: 'MAINTAINER has been deprecated since Docker 1.13 and sets a field no tool reads any more; the OCI annotation label `org.opencontainers.image.authors` is where registries and scanners look.',
    fix: 'Replace `MAINTAINER name <mail>` by `LABEL org.opencontainers.image.authors="name <mail>"`.',
    related: { buildkit: 'MaintainerDeprecated', hadolint: ['DL4000'] },
    example: { bad: 'MAINTAINER Jane Doe <jane@example.com>', good: 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"' },
  },
  check(context) {
    for (const instruction of allInstructions(context)) {
      if (instruction.keyword === 'MAINTAINER') context.report({ instruction, message: 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors' });
    }
  },
};
