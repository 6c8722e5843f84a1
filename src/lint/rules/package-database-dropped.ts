/**
 * An image with installed packages slimmed without its package database: Trivy, Grype and Syft then find no OS
 * and no packages in the slim image, so it cannot be scanned for vulnerabilities. Reported only when the user
 * turned the database off (`--no-package-db`); by default `scratchify slim` carries it (docs/sbom.md).
 */
import type { ImageLintRule } from '../types';
import { listSome } from './support/image-files';

export const packageDatabaseDropped: ImageLintRule = {
  meta: {
    id: 'package-database-dropped',
    kind: 'image',
    category: 'security',
    severity: 'info',
    description: 'The image has installed packages, but the slim image would carry no package database for scanners.',
    rationale:
      'Vulnerability scanners (Trivy, Grype, Syft) learn the OS and the packages of an image from its dpkg or apk ' +
      'database. Without it the slim image reports no OS and no packages, and a security team cannot scan it.',
    fix: 'Drop `--no-package-db`: `scratchify slim` then carries the database limited to the kept packages.',
    related: { other: ['distroless package metadata (status.d)'] },
    example: { bad: 'scratchify slim --no-package-db --image-archive app.tar', good: 'scratchify slim --image-archive app.tar' },
  },
  check(context) {
    const packages = context.analysis.packages;
    if (!packages || packages.kept.length === 0 || packages.database.length > 0) return;
    const names = packages.kept.map((pkg) => pkg.name);
    context.report({
      message: `the slim image keeps files of ${names.length} ${packages.manager} packages (${listSome(names)}) but carries no package database: scanners will see no OS and no packages`,
      data: { packages: names },
    });
  },
};
