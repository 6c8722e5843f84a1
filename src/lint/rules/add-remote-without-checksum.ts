/**
 * `ADD https://…` without `--checksum`: the build copies whatever the URL serves that day, unverified. Git URLs
 * (pinned by commit or not) are another matter and not judged here.
 */
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const addRemoteWithoutChecksum: DockerfileLintRule = {
  meta: {
    id: 'add-remote-without-checksum',
    kind: 'dockerfile',
    category: 'security',
    severity: 'warning',
    description: '`ADD` of an http(s) URL without `--checksum`.',
    rationale: 'The file is whatever the server sends at build time: a changed release, a compromised mirror or a truncated response goes into the image unnoticed, and two builds can differ. `ADD --checksum` makes BuildKit verify it.',
    fix: 'Add `--checksum=sha256:<digest>` (Dockerfile syntax 1.6 and later), or download in a RUN and check with `sha256sum -c`.',
    related: { other: ['Docker docs, ADD --checksum'] },
    example: { bad: 'ADD https://example.com/tool-1.2.tar.gz /tmp/', good: 'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.2.tar.gz /tmp/' },
  },
  check(context) {
    for (const stage of neededStages(context)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'ADD' || instruction.checksum !== undefined) continue;
        const url = instruction.sources.find((source) => /^https?:\/\//i.test(source) && !/\.git(?:#|$)/.test(source));
        if (url === undefined) continue;
        context.report({ instruction, near: url, message: `ADD ${url} downloads without --checksum: nothing verifies what the server sends` });
      }
    }
  },
};
