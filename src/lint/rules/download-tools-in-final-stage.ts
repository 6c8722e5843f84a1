/**
 * curl or wget installed in the final image and still there at the end. They are usually installed to
 * fetch something during the build; left in the image they let a compromised container download whatever
 * it wants. Not reported when the image's own HEALTHCHECK, ENTRYPOINT or CMD runs them (a run-time use the
 * Dockerfile shows); a script the entrypoint runs is not read, which is why this is only `info`.
 */
import type { CommandForm, HealthcheckInstruction, Instruction } from '../../dockerfile/ir';
import { invokedCommands } from '../../shell';
import type { DockerfileLintRule } from '../types';
import { keptSystemPackages, lineageInstructions, lineageRuns } from './support/final-lineage';
import { effectiveCommands } from './shell-form-command';

const DOWNLOAD_TOOLS = new Set(['curl', 'wget', 'wget2', 'aria2']);

function quoteWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Program names a command form runs, `sh -c '…'` strings and wrappers included. */
function programsOf(command: CommandForm): string[] {
  const script = command.form === 'exec' ? command.argv.map(quoteWord).join(' ') : command.script;
  return invokedCommands(script).map((invoked) => invoked.name.slice(invoked.name.lastIndexOf('/') + 1));
}

/** The download tools the image's own health check, entrypoint or command runs. */
function usedAtRunTime(instructions: readonly Instruction[]): Set<string> {
  const healthcheck = instructions.filter((i): i is HealthcheckInstruction => i.keyword === 'HEALTHCHECK').pop();
  const forms = effectiveCommands(instructions).map((instruction) => instruction.command);
  if (healthcheck?.test.kind === 'cmd') forms.push(healthcheck.test.command);
  return new Set(forms.flatMap(programsOf).filter((name) => DOWNLOAD_TOOLS.has(name)));
}

export const downloadToolsInFinalStage: DockerfileLintRule = {
  meta: {
    id: 'download-tools-in-final-stage',
    kind: 'dockerfile',
    category: 'size',
    severity: 'info',
    description: 'curl or wget is installed in the final image and not removed, and the image’s own commands do not use it.',
    rationale:
      'A download tool installed to fetch something during the build stays in the image: a few megabytes with its ' +
      'libraries, and the first thing an attacker in the container needs. Fetch in a build stage (or with ' +
      '`ADD --checksum=… <url>`) and copy the result. The rule cannot see scripts the entrypoint runs, hence `info`.',
    fix: 'Download in a build stage and `COPY --from` the result, use `ADD --checksum=sha256:… <url>`, or remove the tool at the end of the RUN that used it.',
    related: { other: ['dockle CIS-DI-0003 (unnecessary packages)', 'hadolint DL4001 (curl and wget both) is scratchify’s `wget-and-curl`'] },
    example: {
      bad: 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n && curl -fsSLo /app https://example.com/app && rm -rf /var/lib/apt/lists/*',
      good: 'ADD --checksum=sha256:… --chmod=755 https://example.com/app /app',
    },
  },
  check(context) {
    const runTime = usedAtRunTime(lineageInstructions(context));
    for (const { lineageRun, packages } of keptSystemPackages(lineageRuns(context))) {
      const tools = packages.filter(({ pkg }) => DOWNLOAD_TOOLS.has(pkg.name) && !runTime.has(pkg.name));
      if (tools.length === 0) continue;
      const names = [...new Set(tools.map(({ pkg }) => pkg.name))];
      context.report({
        instruction: lineageRun.run,
        location: context.locateCommand(lineageRun.run, tools[0].operation.command, tools[0].pkg.index),
        message: `installs ${names.join(' and ')}, which stay${names.length === 1 ? 's' : ''} in the final image although its HEALTHCHECK, ENTRYPOINT and CMD do not use ${names.length === 1 ? 'it' : 'them'}`,
        data: { packages: names },
      });
    }
  },
};
