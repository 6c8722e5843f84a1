/** Package databases (dpkg, apk): what an image has installed, and the slice of it a slim image carries. */
export { readPackageInventory, keptPackages, keptDatabaseFiles, OS_FILES, type ReadInventory } from './inventory';
export { DPKG_STATUS, DPKG_STATUS_DIRECTORY } from './dpkg';
export { APK_INSTALLED } from './apk';
export { rangesOperand, splitLines, selectLines, toRanges } from './line-selection';
export { parseOsRelease } from './os-release';
export type * from './types';
