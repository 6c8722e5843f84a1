/**
 * Files and directories any user may modify. A world-writable directory without the sticky bit lets one
 * user replace another's files; a world-writable program or library lets any process change what others run.
 */
import type { ImageLintRule } from '../types';
import { listSome } from './support/image-files';

const OTHERS_WRITE = 0o002;
const STICKY = 0o1000;

export const worldWritableFiles: ImageLintRule = {
  meta: {
    id: 'world-writable-files',
    kind: 'image',
    category: 'security',
    severity: 'warning',
    description: 'The image contains world-writable files, or world-writable directories without the sticky bit.',
    rationale:
      'Any user in the container can change a world-writable file, and can delete or replace others\' files in ' +
      'a world-writable directory unless it has the sticky bit (as /tmp does, mode 1777).',
    fix: 'Give the files to the user that must write them (`COPY --chown`, `chown`) and drop the others-write bit (`chmod o-w`).',
    related: { other: ['dockle CIS-DI-0008 (setuid/setgid part)', 'Trivy misconfiguration checks'] },
    example: { bad: 'RUN chmod -R 777 /app', good: 'COPY --chown=app:app data /app/data' },
  },
  check(context) {
    const found = [...context.tree.entries()].filter(
      (entry) => (entry.type === 'file' || entry.type === 'dir') && (entry.mode & OTHERS_WRITE) !== 0 && !(entry.type === 'dir' && (entry.mode & STICKY) !== 0),
    );
    if (found.length === 0) return;
    const paths = found.map((entry) => entry.path);
    context.report({
      message: `${found.length} world-writable path${found.length === 1 ? '' : 's'}: ${listSome(paths)}`,
      data: { paths },
    });
  },
};
