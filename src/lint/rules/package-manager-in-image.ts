/**
 * A package manager left in the final image: it lets the running container install software, and its
 * database and caches are bytes the program never reads.
 */
import type { ImageLintRule } from '../types';
import { findPrograms, listSome } from './support/image-files';

const PACKAGE_MANAGERS = ['apt', 'apt-get', 'dpkg', 'apk', 'yum', 'dnf', 'microdnf', 'rpm', 'zypper', 'pip', 'pip3', 'npm', 'yarn', 'gem'];

export const packageManagerInImage: ImageLintRule = {
  meta: {
    id: 'package-manager-in-image',
    kind: 'image',
    category: 'size',
    severity: 'warning',
    description: 'The image contains package managers the program does not need at run time.',
    rationale:
      'A package manager in a running container can install tools an attacker wants, and its database, caches ' +
      'and dependencies add megabytes the program never reads.',
    fix: 'Install packages in a build stage and copy only the program into a FROM scratch or distroless final stage (`scratchify slim` writes it).',
    related: { other: ['dockle CIS-DI-0003 (unnecessary packages)'] },
    example: { bad: 'FROM python:3.12\nCOPY app.py /\nCMD ["python", "/app.py"]', good: 'FROM python:3.12 AS build\n…\nFROM scratch\nCOPY --from=build …' },
  },
  check(context) {
    const unneeded = findPrograms(context.tree, PACKAGE_MANAGERS).filter((entry) => !context.kept.has(entry.path));
    if (unneeded.length === 0) return;
    const paths = unneeded.map((entry) => entry.path);
    context.report({ message: `package managers the program does not need: ${listSome(paths)}`, data: { paths } });
  },
};
