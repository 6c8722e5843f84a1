/**
 * `COPY .` with no ignore file: the whole context directory — `.git`, `node_modules`, local build output,
 * `.env` files — is sent to the builder and copied. Any stage counts: a build stage that copies the context
 * still transfers it, re-runs whenever any file changes, and holds whatever secrets it contains in its cache.
 *
 * BuildKit reads `<Dockerfile name>.dockerignore` next to the Dockerfile (e.g. `Dockerfile.prod.dockerignore`)
 * before the context's `.dockerignore` (docs.docker.com/build/concepts/context, "Filename and location"); either
 * one satisfies the rule. Without a known context directory (a Dockerfile read from stdin) it reports nothing.
 * `COPY --exclude` does not count: it filters what the COPY writes, not what is sent to the builder.
 *
 * When the user did not name the context (`--context`), the Dockerfile's directory is only a guess: a
 * Dockerfile in a subdirectory is often built from the repository root (`docker build -f app/Dockerfile .`).
 * A `.dockerignore` in a directory above it, up to the repository root, then means the context is probably
 * that directory, and the rule reports nothing.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DockerfileLintRule } from '../types';
import { wholeContextCopies } from './support/context-copies';

/** The ignore files BuildKit would read for this Dockerfile and context, most specific first. */
export function ignoreFileCandidates(dockerfile: string, contextDir: string): string[] {
  // `<stdin>` and the like name no file, so there is no Dockerfile-specific ignore file to look for.
  const specific = /^<.*>$/.test(dockerfile) ? [] : [`${dockerfile}.dockerignore`];
  return [...specific, join(contextDir, '.dockerignore')];
}

/** A `.dockerignore` in a directory above `contextDir`, up to the repository root (a directory with `.git`). */
export function dockerignoreAbove(contextDir: string): string | undefined {
  let dir = resolve(contextDir);
  while (!existsSync(join(dir, '.git'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    if (existsSync(join(dir, '.dockerignore'))) return join(dir, '.dockerignore');
  }
  return undefined;
}

export const missingDockerignore: DockerfileLintRule = {
  meta: {
    id: 'missing-dockerignore',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'The Dockerfile copies the whole build context, and the context has no `.dockerignore`.',
    rationale:
      'Without an ignore file every file of the context is sent to the builder and copied by `COPY .`: `.git`, ' +
      '`node_modules`, local build output, editor files and secrets such as `.env`. Builds get slower, any change to any ' +
      'of those files invalidates the cache from that COPY on, and in the final image they ship; in a build stage they ' +
      'still sit in the build cache. BuildKit also reads a Dockerfile-specific `<Dockerfile name>.dockerignore` next to ' +
      'the Dockerfile; either file is enough.',
    fix:
      'Add a `.dockerignore` at the root of the build context (or `<Dockerfile name>.dockerignore` next to the Dockerfile) ' +
      'listing at least `.git`, dependency and build-output directories (`node_modules`, `target`, `dist`) and secret files (`.env`).',
    related: { other: ['No hadolint or BuildKit check; Docker docs, build context: "Exclude with .dockerignore"'] },
    example: {
      bad: '# no .dockerignore in the context\nFROM node:20 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci && npm run build',
      good: '# .dockerignore: .git, node_modules, dist, .env\nFROM node:20 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci && npm run build',
    },
  },
  check(context) {
    if (context.contextDir === undefined) return;
    const [first] = wholeContextCopies(context.dockerfile.stages);
    if (!first) return;
    const candidates = ignoreFileCandidates(context.file, context.contextDir);
    if (candidates.some((candidate) => existsSync(candidate))) return;
    if (!context.contextGiven && dockerignoreAbove(context.contextDir) !== undefined) return;
    const specific = /^<.*>$/.test(context.file) ? '' : ` nor ${basename(context.file)}.dockerignore next to the Dockerfile`;
    const guessed = context.contextGiven ? '' : ' (the context is taken to be the Dockerfile’s directory; name the real one with --context)';
    context.report({
      instruction: first.instruction,
      message:
        `${first.instruction.keyword} ${first.source} takes the whole build context, which has no .dockerignore${specific}: ` +
        `.git, node_modules, build output and files such as .env are sent to the builder and copied${guessed}`,
      data: { contextDir: context.contextDir, looked: candidates },
    });
  },
};
