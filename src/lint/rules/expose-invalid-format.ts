/**
 * EXPOSE with an IP address or a host port mapping (`EXPOSE 127.0.0.1:8080:80`, `EXPOSE 8080:80`), or a port
 * outside 0–65535. EXPOSE documents the container's ports; publishing is `docker run -p`'s job. BuildKit's
 * ExposeInvalidFormat check (which says these "will become an error"), and hadolint's port range check.
 */
import type { DockerfileLintRule } from '../types';
import { neededStages } from './support/stage-runs';

export const exposeInvalidFormat: DockerfileLintRule = {
  meta: {
    id: 'expose-invalid-format',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'EXPOSE names an IP address, a host port mapping or a port outside 0–65535.',
    rationale: 'EXPOSE declares the ports the container listens on. An address or host port in it is ignored today and, per BuildKit, will be an error; a port above 65535 does not exist.',
    fix: 'Write only the container port and protocol (`EXPOSE 80/tcp`); map host ports with `docker run -p 127.0.0.1:8080:80`.',
    related: { buildkit: 'ExposeInvalidFormat', hadolint: ['DL3011'] },
    example: { bad: 'EXPOSE 127.0.0.1:8080:80', good: 'EXPOSE 80' },
  },
  check(context) {
    for (const stage of neededStages(context)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'EXPOSE') continue;
        for (const port of instruction.ports) {
          if (port.includes('$')) continue;
          const number = port.split('/')[0];
          if (number.includes(':')) {
            context.report({ instruction, near: port, message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'` });
          } else {
            const high = Number(number.split('-').pop());
            if (/^\d+(?:-\d+)?$/.test(number) && high > 65535) context.report({ instruction, near: port, message: `EXPOSE ${port}: ports range from 0 to 65535` });
          }
        }
      }
    }
  },
};
