/** `EXPOSE 80/TCP`: the protocol should be lower case. BuildKit's ExposeProtoCasing check. */
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const exposeProtoCasing: DockerfileLintRule = {
  meta: {
    id: 'expose-proto-casing',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'info',
    description: 'An EXPOSE protocol is not lower case (`80/TCP`).',
    rationale: 'Docker records the protocol as written; tools that compare `80/tcp` with `80/TCP` see two different ports.',
    fix: 'Write the protocol in lower case: `EXPOSE 80/tcp`, `EXPOSE 53/udp`.',
    related: { buildkit: 'ExposeProtoCasing' },
    example: { bad: 'EXPOSE 8080/TCP', good: 'EXPOSE 8080/tcp' },
  },
  check(context) {
    for (const stage of neededStages(context)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'EXPOSE') continue;
        for (const port of instruction.ports) {
          const protocol = port.split('/')[1];
          if (protocol !== undefined && !protocol.includes('$') && protocol !== protocol.toLowerCase()) {
            context.report({ instruction, near: port, message: `Defined protocol '${port}' in EXPOSE instruction should be lowercase` });
          }
        }
      }
    }
  },
};
