/**
 * Set-user-ID and set-group-ID programs: each is a way for a process in the container to gain the owner's
 * privileges. A distribution ships several (su, passwd, mount…) that a service never runs.
 */
import type { ImageLintRule } from '../types';
import { listSome } from './support/image-files';

const SETUID = 0o4000;
const SETGID = 0o2000;

export const setuidFiles: ImageLintRule = {
  meta: {
    id: 'setuid-files',
    kind: 'image',
    category: 'security',
    severity: 'warning',
    description: 'The image contains setuid or setgid programs.',
    rationale:
      'A setuid/setgid program runs with its owner\'s (usually root\'s) privileges whoever starts it, so a ' +
      'compromised process can use one to escalate. Services rarely need any.',
    fix: 'Remove them (`find / -perm /6000 -type f -exec chmod a-s {} +` in the last RUN), or let `scratchify slim` keep only what the program uses.',
    related: { other: ['dockle CIS-DI-0008'] },
    example: { bad: 'FROM debian:12\nCMD ["/app"]', good: 'FROM debian:12\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +\nCMD ["/app"]' },
  },
  check(context) {
    const files = [...context.tree.entries()].filter((entry) => entry.type === 'file' && (entry.mode & (SETUID | SETGID)) !== 0);
    if (files.length === 0) return;
    const paths = files.map((entry) => entry.path);
    const needed = paths.filter((path) => context.kept.has(path));
    context.report({
      message:
        `${files.length} setuid/setgid file${files.length === 1 ? '' : 's'}: ${listSome(paths)}` +
        (needed.length < paths.length ? ` (${paths.length - needed.length} not needed at run time)` : ''),
      data: { paths, neededAtRunTime: needed },
    });
  },
};
