/**
 * `COPY --from=build / /`: the whole file system of another stage, package manager, caches and build tools
 * included, copied over this one. It undoes the point of a multi-stage build. Judged in the final image only:
 * a build stage that takes a whole helper image (`COPY --from=tonistiigi/xx / /`, the cross-compilation
 * helpers' documented use) ships none of it.
 */
import type { DockerfileLintRule } from '../types';

export const copyWholeStage: DockerfileLintRule = {
  meta: {
    id: 'copy-whole-stage',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: '`COPY --from=<stage> / /` copies another stage’s whole file system.',
    rationale: 'Everything the other stage has — its distribution, package caches, compilers, sources — lands in this one, merged file by file over it: the size a multi-stage build was meant to save, and files of two distributions mixed.',
    fix: 'Copy only what the program needs (`COPY --from=build /out/app /usr/local/bin/app`); `scratchify slim` lists those files.',
    related: { hadolint: ['DL3067'] },
    example: { bad: 'FROM debian:12 AS build\nRUN make\nFROM debian:12-slim\nCOPY --from=build / /', good: 'FROM debian:12 AS build\nRUN make\nFROM debian:12-slim\nCOPY --from=build /src/app /usr/local/bin/app' },
  },
  check(context) {
    for (const stage of context.finalLineage) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'COPY' || instruction.from === undefined) continue;
        if (!instruction.sources.some((source) => /^\/+\.?$/.test(source)) || !/^\/+\.?$/.test(instruction.destination)) continue;
        context.report({ instruction, message: `COPY --from=${instruction.from} / / copies the whole file system of ${instruction.from}` });
      }
    }
  },
};
