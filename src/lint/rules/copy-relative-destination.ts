/**
 * `COPY app.py app/` with a relative destination and no WORKDIR anywhere in the stage's lineage: the files land
 * relative to the base image's working directory, which the Dockerfile does not show.
 */
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const copyRelativeDestination: DockerfileLintRule = {
  meta: {
    id: 'copy-relative-destination',
    kind: 'dockerfile',
    category: 'reproducibility',
    severity: 'info',
    description: 'COPY or ADD has a relative destination while no WORKDIR is set.',
    rationale: 'A relative destination is resolved against the working directory; without a WORKDIR in the Dockerfile that is the base image’s, which may be `/`, a user’s home or anything a new release picks.',
    fix: 'Set `WORKDIR /app` before the COPY, or give an absolute destination.',
    related: { hadolint: ['DL3045'] },
    example: { bad: 'FROM python:3.12-slim\nCOPY app.py app/', good: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py ./' },
  },
  check(context) {
    const workdirSet = new Map<number, boolean>();
    for (const stage of neededStages(context)) {
      const base = context.graph.stages[stage.index].base;
      let workdir = base.kind === 'stage' ? (workdirSet.get(base.index) ?? false) : base.kind === 'scratch';
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'WORKDIR') workdir = true;
        if ((instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') || workdir) continue;
        const destination = instruction.destination.replace(/^["']|["']$/g, '');
        if (destination.startsWith('/') || destination.startsWith('$') || /^[A-Za-z]:[\\/]/.test(destination) || destination.startsWith('\\')) continue;
        context.report({ instruction, near: instruction.destination, message: `${instruction.keyword} to the relative destination "${instruction.destination}" with no WORKDIR set: it depends on the base image's working directory` });
      }
      workdirSet.set(stage.index, workdir);
    }
  },
};
