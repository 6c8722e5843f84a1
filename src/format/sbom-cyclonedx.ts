/**
 * The slim image as a CycloneDX 1.5 JSON SBOM, built with the CycloneDX library for JavaScript (its models,
 * purls through packageurl-js, its 1.5 normalizer): the OS, the OS packages that keep a file (with versions,
 * architectures and licenses where the image states them), the language packages with a kept file, and every
 * kept regular file no package owns as a file component. No timestamp or serial number, so the same analysis
 * gives the same document.
 */
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { Analysis, LanguagePackage } from '../analyze';
import { VERSION } from '../version';

function licenses(names: string[]): CDX.Models.LicenseRepository {
  return new CDX.Models.LicenseRepository(names.map((name) => (CDX.SPDX.isSupportedSpdxId(name) ? new CDX.Models.SpdxLicense(name) : new CDX.Models.NamedLicense(name))));
}

function osPurl(analysis: Analysis, name: string, version: string | undefined, architecture: string | undefined): PackageURL {
  const packages = analysis.packages as NonNullable<Analysis['packages']>;
  const os = packages.os;
  const qualifiers: Record<string, string> = {};
  if (architecture) qualifiers.arch = architecture;
  if (os?.versionId) qualifiers.distro = packages.manager === 'dpkg' ? `${os.id}-${os.versionId}` : os.versionId;
  const namespace = os?.id ?? (packages.manager === 'apk' ? 'alpine' : 'debian');
  return new PackageURL(packages.manager === 'dpkg' ? 'deb' : 'apk', namespace, name, version, qualifiers, undefined);
}

function languagePurl(pkg: LanguagePackage): PackageURL {
  switch (pkg.ecosystem) {
    case 'python':
      // The purl spec's pypi rule: lowercase, `_` as `-`.
      return new PackageURL('pypi', undefined, pkg.name.toLowerCase().replace(/_/g, '-'), pkg.version, undefined, undefined);
    case 'npm': {
      const scoped = /^(@[^/]+)\/(.+)$/.exec(pkg.name);
      return new PackageURL('npm', scoped?.[1], scoped?.[2] ?? pkg.name, pkg.version, undefined, undefined);
    }
    case 'gem':
      return new PackageURL('gem', undefined, pkg.name, pkg.version, undefined, undefined);
    case 'jar':
      // A jar's file name gives no Maven group, which a maven purl needs.
      return new PackageURL('generic', undefined, pkg.name, pkg.version, undefined, undefined);
  }
}

/** The SBOM of the slim image described by `analysis`, as CycloneDX 1.5 JSON text. */
export function cycloneDxSbom(analysis: Analysis, imageName: string): string {
  const bom = new CDX.Models.Bom();
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'scratchify', { version: VERSION }));
  bom.metadata.component = new CDX.Models.Component(CDX.Enums.ComponentType.Container, imageName, { bomRef: 'image' });
  const owned = new Set<string>();
  const packages = analysis.packages;
  if (packages?.os) {
    bom.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.OperatingSystem, packages.os.id, { version: packages.os.versionId, description: packages.os.name, bomRef: `os:${packages.os.id}` }));
  }
  for (const pkg of packages?.kept ?? []) {
    for (const path of pkg.paths) owned.add(path);
    bom.components.add(
      new CDX.Models.Component(CDX.Enums.ComponentType.Library, pkg.name, {
        version: pkg.version,
        purl: osPurl(analysis, pkg.name, pkg.version, pkg.architecture).toString(),
        licenses: licenses(pkg.licenses),
        bomRef: `${packages?.manager}:${pkg.key}`,
      }),
    );
  }
  const languagePackages = analysis.languagePackages ?? [];
  for (const pkg of languagePackages) {
    bom.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Library, pkg.name, { version: pkg.version, purl: languagePurl(pkg).toString(), bomRef: `${pkg.ecosystem}:${pkg.path}` }));
  }
  const inLanguagePackage = (path: string): boolean => languagePackages.some((pkg) => path === pkg.path || path.startsWith(`${pkg.path}/`));
  for (const kept of analysis.kept) {
    if ((kept.type !== 'file' && kept.type !== 'hardlink') || kept.synthesized || owned.has(kept.path) || inLanguagePackage(kept.path)) continue;
    bom.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.File, kept.path, { bomRef: `file:${kept.path}` }));
  }
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot5));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
