/**
 * `COPY . /app` in the final image: everything in the build context lands in a layer of the shipped image —
 * sources, tests, build files, `.git` — unless `.dockerignore` keeps it out. Build stages may copy the whole
 * context (they are thrown away); the final image should copy the build's output.
 *
 * A COPY with `--exclude` is not reported: the author has chosen what stays out, as with a `.dockerignore`,
 * and the rule cannot tell whether the choice is complete.
 */
import type { DockerfileLintRule } from '../types';
import { wholeContextCopies } from './support/context-copies';

export const copyWholeContext: DockerfileLintRule = {
  meta: {
    id: 'copy-whole-context',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: 'The final image copies the whole build context (`COPY . /app`).',
    rationale:
      'Everything in the context becomes part of the shipped image: sources, tests, documentation, build files, local ' +
      'artifacts and VCS data such as `.git`, unless `.dockerignore` excludes them. It makes the image larger, can leak ' +
      'files that were never meant to ship, and any change to any file invalidates the layer cache from that COPY on. ' +
      'Build stages are not reported: they are discarded, and what the final image takes from them is judged instead.',
    fix:
      'Build in a build stage and copy only its output (`COPY --from=build /out/app /app`), or copy the files and ' +
      'directories the program needs by name; if the whole tree is really needed, keep the rest out with `.dockerignore` ' +
      'or `COPY --exclude`.',
    related: { other: ['No hadolint or BuildKit check; Docker’s build best practices (multi-stage builds, `.dockerignore`)'] },
    example: {
      bad: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]',
      good:
        'FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\n' +
        'FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nCOPY --from=build /app/node_modules ./node_modules\nCMD ["node", "dist/server.js"]',
    },
  },
  check(context) {
    for (const { instruction, source } of wholeContextCopies(context.finalLineage)) {
      if (instruction.exclude.length > 0) continue;
      context.report({
        instruction,
        message:
          `${instruction.keyword} ${source} copies the whole build context into the final image: sources, tests, build files ` +
          'and VCS data such as .git all ship, unless .dockerignore excludes them',
        data: { source, destination: instruction.destination },
      });
    }
  },
};
