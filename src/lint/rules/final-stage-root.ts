/**
 * The final image runs its program as root: the last USER of the final lineage is root, or there is none.
 * Without a USER the base image's config decides; most bases do not set one, so the rule reports it, except
 * for bases known to run as non-root (distroless `:nonroot`) whose config sets the user.
 */
import type { UserInstruction } from '../../dockerfile/ir';
import type { DockerfileLintRule } from '../types';
import { baseImageNote } from './support/base-image-purpose';
import { isKnownNonRootImage } from './support/image-reference';

/** `root`, `0`, and either with a group (`root:root`, `0:0`, `0:app`). */
function isRootUser(user: string): boolean {
  return /^(?:root|0)(?::.*)?$/.test(user.trim());
}

export const finalStageRoot: DockerfileLintRule = {
  meta: {
    id: 'final-stage-root',
    kind: 'dockerfile',
    category: 'security',
    severity: 'warning',
    description: 'The final image runs as root: its last USER is root, or it sets no USER.',
    rationale:
      'A process running as root in a container is root on the host’s kernel: a container escape, a writable host mount ' +
      'or a kernel bug gives the attacker full privileges. Running as an unprivileged user limits what a compromised ' +
      'program can do. Build stages may run as root; only the user the final image starts with matters.',
    fix:
      'Create or pick an unprivileged user and end the final stage with `USER <name or uid>` (e.g. `USER 65532:65532`, or ' +
      '`USER nonroot` on distroless); do the steps that need root before it.',
    related: { hadolint: ['DL3002'], other: ['dockle CIS-DI-0001 (create a user for the container)'] },
    example: {
      bad: 'FROM debian:12-slim\nCOPY app /usr/local/bin/app\nCMD ["app"]',
      good: 'FROM debian:12-slim\nRUN useradd --system --uid 10001 app\nCOPY app /usr/local/bin/app\nUSER app\nCMD ["app"]',
    },
  },
  check(context) {
    const users = context.finalLineage.flatMap((stage) => stage.instructions).filter((i): i is UserInstruction => i.keyword === 'USER');
    const last = users[users.length - 1];
    if (last) {
      // The graph's expanded value: `USER ${APP_USER}` is judged by what the ARG or ENV holds.
      const user = context.graph.stages[context.graph.target].contract.user ?? last.user;
      if (isRootUser(user)) {
        const quiet = baseImageNote(context);
        context.report({
          instruction: last,
          defaultSeverity: quiet.defaultSeverity,
          message: `USER ${user} is the last USER of the final image: the container runs as root${quiet.note}`,
          data: { user },
        });
      }
      return;
    }
    const root = context.finalBase;
    const base = root.kind === 'image' ? root.reference : 'scratch';
    if (root.kind === 'image' && isKnownNonRootImage(base)) return;
    const quiet = baseImageNote(context);
    context.report({
      instruction: context.target.from,
      defaultSeverity: quiet.defaultSeverity,
      message:
        (root.kind === 'scratch'
          ? 'no USER in the final image, which is built FROM scratch: the container runs as root (uid 0)'
          : `no USER in the final image: the container runs as root unless the base image ${base} sets a USER`) + quiet.note,
      data: { base },
    });
  },
};
