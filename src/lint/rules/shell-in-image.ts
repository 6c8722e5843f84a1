/**
 * A shell in an image whose program does not use one: the first tool an attacker with code execution reaches
 * for, and megabytes the program never reads. Shells the program runs through (entrypoint scripts) are needed
 * and not reported.
 */
import type { ImageLintRule } from '../types';
import { findPrograms, listSome } from './support/image-files';

export const SHELLS = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'];

export const shellInImage: ImageLintRule = {
  meta: {
    id: 'shell-in-image',
    kind: 'image',
    category: 'security',
    severity: 'warning',
    description: 'The image contains a shell that the program does not need at run time.',
    rationale:
      'A shell lets anyone who gets code execution in the container explore and change it. When the program ' +
      'starts without one (exec-form entrypoint, no scripts), the shell is only attack surface.',
    fix: 'Build the final stage FROM scratch or a distroless base (`scratchify slim` writes it); keep a shell only in a debug variant.',
    related: { other: ['distroless', 'SlimToolkit'] },
    example: { bad: 'FROM debian:12\nCOPY app /app\nENTRYPOINT ["/app"]', good: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]' },
  },
  check(context) {
    const unneeded = findPrograms(context.tree, SHELLS).filter((entry) => !context.kept.has(entry.path));
    if (unneeded.length === 0) return;
    const paths = unneeded.map((entry) => entry.path);
    context.report({ message: `shells the program does not need: ${listSome(paths)}`, data: { paths } });
  },
};
