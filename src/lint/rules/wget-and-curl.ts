/**
 * A stage that uses both wget and curl: two download tools installed for one job, and two sets of flags,
 * proxies and certificate settings to get right.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

export const wgetAndCurl: DockerfileLintRule = {
  meta: {
    id: 'wget-and-curl',
    kind: 'dockerfile',
    category: 'size',
    severity: 'info',
    description: 'A stage downloads with both wget and curl.',
    rationale: 'One download tool does everything the other does; using both means both are installed, each with its own libraries, flags and proxy and certificate settings.',
    fix: 'Pick one (`curl -fsSLo file URL` or `wget -qO file URL`) for every download of the stage.',
    related: { hadolint: ['DL4001'] },
    example: { bad: 'RUN wget -qO /tmp/a.tgz https://example.com/a.tgz\nRUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz', good: 'RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz \\\n && curl -fsSLo /tmp/b.tgz https://example.com/b.tgz' },
  },
  check(context) {
    const seen = new Map<number, Set<string>>();
    for (const { run, stage, commands } of neededRuns(context)) {
      const tools = seen.get(stage.index) ?? new Set<string>();
      seen.set(stage.index, tools);
      for (const command of commands) {
        const program = programName(command);
        if (program !== 'wget' && program !== 'curl') continue;
        const other = program === 'wget' ? 'curl' : 'wget';
        if (tools.has(other) && !tools.has(program)) {
          context.report({ instruction: run, location: context.locateCommand(run, command), message: `this stage already downloads with ${other}; \`${program}\` adds a second download tool` });
        }
        tools.add(program);
      }
    }
  },
};
