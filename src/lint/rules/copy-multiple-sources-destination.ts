/**
 * COPY or ADD of several sources (or a wildcard) to a destination without a trailing `/`. BuildKit creates the
 * directory anyway; the legacy builder and other builders refuse ("When using COPY with more than one source
 * file, the destination must be a directory and end with a /").
 */
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const copyMultipleSourcesDestination: DockerfileLintRule = {
  meta: {
    id: 'copy-multiple-sources-destination',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'COPY or ADD of several files names a destination that does not end with `/`.',
    rationale: 'With several sources the destination must be a directory. BuildKit makes one, but the legacy builder, Podman/Buildah before 1.x and kaniko treat a missing `/` differently or fail; the slash says what is meant.',
    fix: 'End the destination with `/` (`COPY a.txt b.txt /app/`).',
    related: { hadolint: ['DL3021'] },
    example: { bad: 'COPY package.json package-lock.json /app', good: 'COPY package.json package-lock.json /app/' },
  },
  check(context) {
    for (const stage of neededStages(context)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
        const destination = instruction.destination;
        if (instruction.sources.length < 2 || /[/\\]$|^\.$|^\$/.test(destination) || instruction.heredocs.length > 0) continue;
        context.report({ instruction, near: destination, message: `${instruction.keyword} of ${instruction.sources.length} sources to "${destination}": end the destination with / to say it is a directory` });
      }
    }
  },
};
