/**
 * The packages an image's package manager says are installed, and the part of that database the slim image
 * carries so vulnerability scanners still see its OS and packages (docs/sbom.md).
 */

/** Which package manager's database the image has. */
export type PackageManager = 'dpkg' | 'apk';

/** What `etc/os-release` (or `usr/lib/os-release`) says, for package URLs and the SBOM. */
export interface OsRelease {
  /** `ID`: `debian`, `ubuntu`, `alpine`. */
  id: string;
  /** `VERSION_ID`: `12`, `3.19.1`. */
  versionId?: string;
  /** `PRETTY_NAME`, else `NAME`. */
  name?: string;
}

/** One installed package, as its database states it. */
export interface InstalledPackage {
  /** The package name (`Package:` / `P:`). */
  name: string;
  /** The database's key for it: dpkg's info file stem (`libc6` or `libc6:amd64`), apk's name. */
  key: string;
  version?: string;
  architecture?: string;
  /** License names where the image states them (apk `L:`, DEP-5 `License:` lines of the copyright file). */
  licenses: string[];
  /** Real image paths (parents resolved, final component not followed) the package installed, directories left out. */
  paths: string[];
}

/** A range of 1-based line numbers, both ends included. */
export type LineRange = [number, number];

/**
 * A file the slim image holds that the original image does not: its content is whole lines of one file of the
 * original image, in order. The archive emitter writes `content`; the Dockerfile emitter has the skeleton
 * stage copy the same lines out of `source`, so no byte of the content is written into the Dockerfile.
 */
export interface SynthesizedFile {
  /** Absolute path in the slim image. */
  path: string;
  /** The original image's file the lines come from. */
  source: string;
  /** Ascending, disjoint. */
  lines: LineRange[];
  /** The selected lines, each followed by a line feed. */
  content: Buffer;
  /** What the file is, for the analysis' reason. */
  detail: string;
}

/** The package database of an image and what of it the slim image keeps. */
export interface PackageInventory {
  manager: PackageManager;
  os?: OsRelease;
  /** Every installed package, in database order. */
  installed: InstalledPackage[];
}
