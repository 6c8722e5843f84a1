/**
 * `useradd -u <large uid>` without `-l` (`--no-log-init`): useradd records the user in /var/log/lastlog and
 * faillog, sparse files indexed by UID; a layer stores them unsparsed, so a UID of a few millions adds hundreds
 * of megabytes of zeros to the image.
 */
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

/** UIDs above this make lastlog large enough to matter (hadolint's threshold: more than five digits). */
const HIGH_UID = 99999;

function uidOf(args: readonly string[]): { uid: number; index: number } | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = arg === '-u' || arg === '--uid' ? args[i + 1] : arg.startsWith('--uid=') ? arg.slice(6) : /^-u\d+$/.test(arg) ? arg.slice(2) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return { uid: Number(value), index: arg === '-u' || arg === '--uid' ? i + 1 : i };
  }
  return undefined;
}

export const useraddHighUid: DockerfileLintRule = {
  meta: {
    id: 'useradd-high-uid',
    kind: 'dockerfile',
    category: 'size',
    severity: 'warning',
    description: '`useradd` with a high UID and without `-l` (`--no-log-init`).',
    rationale:
      'useradd writes the new user’s entry into /var/log/lastlog and /var/log/faillog at an offset computed from the UID. ' +
      'On disk these are sparse files, but an image layer stores every byte: a UID of 1,000,000 adds about 300 MB of zeros.',
    fix: 'Add `-l` (`useradd -l -u 1000000 app`), or use a smaller UID.',
    related: { hadolint: ['DL3046'] },
    example: { bad: 'RUN useradd -u 1000000 app', good: 'RUN useradd -l -u 1000000 app' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      for (const command of commands) {
        if (programName(command) !== 'useradd') continue;
        if (command.args.some((arg) => arg === '-l' || arg === '--no-log-init' || /^-[a-zA-Z]*l[a-zA-Z]*$/.test(arg))) continue;
        const uid = uidOf(command.args);
        if (uid === undefined || uid.uid <= HIGH_UID) continue;
        context.report({
          instruction: run,
          location: context.locateCommand(run, command, uid.index),
          message: `useradd with UID ${uid.uid} and without -l writes a sparse lastlog the layer stores in full`,
          data: { uid: uid.uid },
        });
      }
    }
  },
};
