/**
 * The first WORKDIR of a stage chain is relative (`WORKDIR app`): it is joined to the base image's working
 * directory, which the Dockerfile does not show and a new base image version may change. BuildKit's
 * WorkdirRelativePath check: later relative WORKDIRs are fine once an absolute one is set.
 */
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const workdirRelativePath: DockerfileLintRule = {
  meta: {
    id: 'workdir-relative-path',
    kind: 'dockerfile',
    category: 'reproducibility',
    severity: 'warning',
    description: 'A relative WORKDIR comes before any absolute one, so it depends on the base image’s working directory.',
    rationale: 'A relative WORKDIR is joined to the working directory in force, which for the first one is the base image’s: invisible in the Dockerfile and free to change with the next base image release.',
    fix: 'Make the first WORKDIR absolute (`WORKDIR /app`).',
    related: { buildkit: 'WorkdirRelativePath', hadolint: ['DL3000'] },
    example: { bad: 'FROM node:20\nWORKDIR app', good: 'FROM node:20\nWORKDIR /app' },
  },
  check(context) {
    const absoluteSet = new Map<number, boolean>();
    for (const stage of neededStages(context)) {
      const base = context.graph.stages[stage.index].base;
      let absolute = base.kind === 'stage' ? (absoluteSet.get(base.index) ?? false) : false;
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'WORKDIR') continue;
        const path = instruction.path.replace(/^["']|["']$/g, '');
        const isAbsolute = path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\');
        if (!absolute && !isAbsolute) context.report({ instruction, near: instruction.path, message: `Relative workdir "${instruction.path}" can have unexpected results if the base image changes` });
        absolute = true;
      }
      absoluteSet.set(stage.index, absolute);
    }
  },
};
