/** Which package database an image has, what it lists, and the part of it the slim image carries. */
import type { FileTree } from '../tree/types';
import { apkKeptDatabase, readApkPackages, type ApkPackage } from './apk';
import { dpkgKeptDatabase, readDpkgLicenses, readDpkgPackages, type DpkgPackage } from './dpkg';
import { parseOsRelease } from './os-release';
import type { InstalledPackage, PackageInventory, SynthesizedFile } from './types';

/** The inventory with what each reader needs to write the kept database again. */
export type ReadInventory =
  | (PackageInventory & { manager: 'dpkg'; installed: DpkgPackage[] })
  | (PackageInventory & { manager: 'apk'; installed: ApkPackage[] });

/**
 * Files that tell a scanner which OS the image is (Trivy `analyzer/os/debian`, `os/ubuntu`, `os/alpine`; Syft
 * reads os-release), kept with the database when the image has them.
 */
export const OS_FILES: Record<PackageInventory['manager'], string[]> = {
  dpkg: ['/etc/debian_version', '/etc/lsb-release', '/etc/os-release', '/usr/lib/os-release'],
  apk: ['/etc/alpine-release', '/etc/os-release', '/usr/lib/os-release'],
};

async function readOsRelease(tree: FileTree): Promise<PackageInventory['os']> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const resolution = tree.resolve(path, { followFinal: true });
      if (resolution.entry?.type !== 'file') continue;
      const os = parseOsRelease((await tree.readFile(resolution.path)).toString('utf8'));
      if (os) return os;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** The image's package database; undefined when it has neither dpkg's nor apk's. */
export async function readPackageInventory(tree: FileTree, warnings: string[] = []): Promise<ReadInventory | undefined> {
  const dpkg = await readDpkgPackages(tree, warnings);
  if (dpkg) {
    await readDpkgLicenses(tree, dpkg);
    return { manager: 'dpkg', os: await readOsRelease(tree), installed: dpkg };
  }
  const apk = await readApkPackages(tree, warnings);
  if (apk) return { manager: 'apk', os: await readOsRelease(tree), installed: apk };
  return undefined;
}

/** The packages that keep at least one of their files (directories do not count: many packages share them). */
export function keptPackages<T extends InstalledPackage>(installed: T[], isKept: (path: string) => boolean): T[] {
  return installed.filter((pkg) => pkg.paths.some(isKept));
}

/** The database files of the slim image: only the kept packages, each with only its kept files. */
export async function keptDatabaseFiles(tree: FileTree, inventory: ReadInventory, isKept: (path: string) => boolean): Promise<SynthesizedFile[]> {
  if (inventory.manager === 'dpkg') return dpkgKeptDatabase(tree, keptPackages(inventory.installed, isKept), isKept);
  return apkKeptDatabase(tree, keptPackages(inventory.installed, isKept), isKept);
}
