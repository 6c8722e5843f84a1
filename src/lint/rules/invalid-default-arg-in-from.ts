/**
 * A FROM whose image name, with only the global ARGs' defaults (no `--build-arg`), is empty or not a valid
 * reference (`ARG TAG` then `FROM alpine:${TAG}` gives `alpine:`): the Dockerfile cannot be built without
 * build arguments. BuildKit's InvalidDefaultArgInFrom check.
 */
import { expandWord, createExpansionEnv } from '../../expand';
import { platformArgs } from '../../stages/scope';
import type { DockerfileLintRule } from '../types';

/** Docker's reference grammar, loosely: `[host[:port]/]path[:tag][@digest]`, lower-case path components. */
const REFERENCE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

export const invalidDefaultArgInFrom: DockerfileLintRule = {
  meta: {
    id: 'invalid-default-arg-in-from',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'With the global ARGs’ defaults, a FROM image name is empty or invalid.',
    rationale: 'A FROM that works only when `--build-arg` supplies a value fails for anyone who builds the Dockerfile plainly, with an error far from the cause.',
    fix: 'Give the ARG a default (`ARG TAG=3.20`), or build the default into the reference (`FROM alpine:${TAG:-3.20}`).',
    related: { buildkit: 'InvalidDefaultArgInFrom' },
    example: { bad: 'ARG TAG\nFROM alpine:${TAG}', good: 'ARG TAG=3.20\nFROM alpine:${TAG}' },
  },
  check(context) {
    const values = new Map<string, string>(Object.entries(platformArgs()));
    for (const instruction of context.dockerfile.globalArgs) {
      for (const arg of instruction.args) {
        if (arg.defaultValue === undefined) continue;
        try {
          values.set(arg.name, expandWord(arg.defaultValue, createExpansionEnv(values), { escape: context.dockerfile.escape }));
        } catch {
          // An ARG default BuildKit cannot expand is reported by the parser, not here.
        }
      }
    }
    const stageNames = new Set(context.dockerfile.stages.flatMap((stage) => (stage.name ? [stage.name] : [])));
    for (const stage of context.dockerfile.stages) {
      if (!stage.from.image.includes('$')) continue;
      let name: string;
      try {
        name = expandWord(stage.from.image, createExpansionEnv(values), { escape: context.dockerfile.escape });
      } catch {
        continue;
      }
      if (name === 'scratch' || stageNames.has(name.toLowerCase()) || (name !== '' && REFERENCE.test(name))) continue;
      context.report({ instruction: stage.from, near: stage.from.image, message: `Default value for global ARG results in an empty or invalid base image name: "${name}"` });
    }
  },
};
