/**
 * dpkg's database: `var/lib/dpkg/status` (one stanza per package, stanzas separated by an empty line, a field
 * continued on lines starting with a space or tab), `info/<package>.list` (the paths a package installed) and
 * `info/<package>.md5sums` (`<md5>  <path without leading slash>` per installed regular file).
 *
 * The slim image gets the distroless layout (GoogleContainerTools/distroless PACKAGE_METADATA.md), which Trivy,
 * Syft and Grype read: `status.d/<package>` holding the package's own stanza as the image had it, and
 * `status.d/<package>.md5sums` holding the lines of its md5sums that name kept files.
 */
import { posix } from 'node:path';
import type { FileTree } from '../tree/types';
import { splitLines, selectLines, toRanges } from './line-selection';
import type { InstalledPackage, LineRange, SynthesizedFile } from './types';

export const DPKG_STATUS = '/var/lib/dpkg/status';
export const DPKG_INFO = '/var/lib/dpkg/info';
export const DPKG_STATUS_DIRECTORY = '/var/lib/dpkg/status.d';

/** Debian policy 5.6.1: package names; architecture names are as plain. Names become file names in status.d. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*$/;
const ARCHITECTURE = /^[a-z0-9][a-z0-9-]*$/;
const MD5SUMS_LINE = /^[0-9a-f]{32} {2}(.+)$/;

export interface DpkgPackage extends InstalledPackage {
  /** The stanza's lines in the status file. */
  stanza: LineRange;
  /** The info file stem: `name` or `name:arch`. */
  infoStem: string;
}

interface Stanza {
  fields: Map<string, string>;
  range: LineRange;
}

function stanzas(lines: Buffer[]): Stanza[] {
  const result: Stanza[] = [];
  let current: Stanza | undefined;
  let field: string | undefined;
  lines.forEach((bytes, index) => {
    const line = bytes.toString('latin1');
    if (line === '') {
      if (current) result.push(current);
      current = undefined;
      return;
    }
    current ??= { fields: new Map(), range: [index + 1, index + 1] };
    current.range[1] = index + 1;
    if ((line.startsWith(' ') || line.startsWith('\t')) && field) return;
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    field = line.slice(0, colon);
    current.fields.set(field, line.slice(colon + 1).trim());
  });
  if (current) result.push(current);
  return result;
}

function installed(status: string | undefined): boolean {
  // As Trivy reads it (pkg/fanal/analyzer/pkg/dpkg): only a wanted state of deinstall or purge drops a stanza.
  return !(status ?? '').split(/\s+/).some((word) => word === 'deinstall' || word === 'purge');
}

function resolvedPath(tree: FileTree, path: string): string | undefined {
  try {
    return tree.resolve(path, { followFinal: false }).path;
  } catch {
    return undefined;
  }
}

/** Reads the installed packages; undefined when the image has no status file. */
export async function readDpkgPackages(tree: FileTree, warnings: string[]): Promise<DpkgPackage[] | undefined> {
  const status = tree.lstat(DPKG_STATUS);
  if (!status || status.type !== 'file') return undefined;
  const content = await tree.readFile(DPKG_STATUS);
  if (content.includes(0)) {
    warnings.push(`${DPKG_STATUS} holds a NUL byte; its packages are not carried`);
    return [];
  }
  const lines = splitLines(content);
  const stems = new Set(tree.list(DPKG_INFO).filter((name) => name.endsWith('.list')).map((name) => name.slice(0, -'.list'.length)));
  const packages: DpkgPackage[] = [];
  const entries = stanzas(lines).filter((stanza) => stanza.fields.has('Package') && installed(stanza.fields.get('Status')));
  const listFiles = new Map<string, string>();
  for (const { fields } of entries) {
    const name = fields.get('Package') as string;
    const architecture = fields.get('Architecture');
    const stem = stems.has(`${name}:${architecture}`) ? `${name}:${architecture}` : name;
    if (stems.has(stem)) listFiles.set(stem, `${DPKG_INFO}/${stem}.list`);
  }
  const lists = await tree.readFiles([...listFiles.values()]);
  for (const { fields, range } of entries) {
    const name = fields.get('Package') as string;
    const architecture = fields.get('Architecture');
    if (!PACKAGE_NAME.test(name) || (architecture !== undefined && !ARCHITECTURE.test(architecture))) {
      warnings.push(`${DPKG_STATUS} line ${range[0]}: package name ${JSON.stringify(name)} is not a Debian package name; it is not carried`);
      continue;
    }
    const infoStem = stems.has(`${name}:${architecture}`) ? `${name}:${architecture}` : name;
    const list = lists.get(`${DPKG_INFO}/${infoStem}.list`);
    const listed = list ? list.toString('utf8').split('\n').filter((line) => line.startsWith('/') && line !== '/.') : [];
    const paths: string[] = [];
    for (const path of listed) {
      const real = resolvedPath(tree, path);
      const entry = real === undefined ? undefined : tree.lstat(real);
      if (real !== undefined && entry && entry.type !== 'dir') paths.push(real);
    }
    packages.push({ name, key: name, version: fields.get('Version'), architecture, licenses: [], paths, stanza: range, infoStem });
  }
  // Two architectures of one package (multiarch) cannot share a status.d file name.
  const counts = new Map<string, number>();
  for (const pkg of packages) counts.set(pkg.name, (counts.get(pkg.name) ?? 0) + 1);
  for (const pkg of packages) if ((counts.get(pkg.name) ?? 0) > 1 && pkg.architecture) pkg.key = `${pkg.name}:${pkg.architecture}`;
  return packages;
}

/** DEP-5 (machine-readable) copyright files name each license on a `License:` line. */
export async function readDpkgLicenses(tree: FileTree, packages: InstalledPackage[]): Promise<void> {
  const files = new Map(packages.map((pkg) => [pkg, `/usr/share/doc/${pkg.name}/copyright`]));
  const existing = [...files.values()].filter((path) => tree.lstat(path)?.type === 'file');
  const contents = await tree.readFiles(existing);
  for (const [pkg, path] of files) {
    const text = contents.get(path)?.toString('utf8');
    if (!text) continue;
    const names = new Set<string>();
    for (const match of text.matchAll(/^License:[ \t]*(\S[^\n]*)$/gm)) names.add(match[1].trim());
    pkg.licenses = [...names];
  }
}

/** The status.d files for the packages that keep a file, with md5sums lines of the kept files only. */
export async function dpkgKeptDatabase(tree: FileTree, kept: DpkgPackage[], isKept: (path: string) => boolean): Promise<SynthesizedFile[]> {
  const statusLines = splitLines(await tree.readFile(DPKG_STATUS));
  const md5sumsPaths = kept.map((pkg) => `${DPKG_INFO}/${pkg.infoStem}.md5sums`).filter((path) => tree.lstat(path)?.type === 'file');
  const md5sums = await tree.readFiles(md5sumsPaths);
  const files: SynthesizedFile[] = [];
  for (const pkg of kept) {
    const ranges: LineRange[] = [pkg.stanza];
    files.push({
      path: `${DPKG_STATUS_DIRECTORY}/${pkg.key}`,
      source: DPKG_STATUS,
      lines: ranges,
      content: selectLines(statusLines, ranges),
      detail: `dpkg status of ${pkg.key}`,
    });
    const source = `${DPKG_INFO}/${pkg.infoStem}.md5sums`;
    const content = md5sums.get(source);
    if (!content || content.includes(0)) continue;
    const lines = splitLines(content);
    const numbers: number[] = [];
    lines.forEach((bytes, index) => {
      const match = MD5SUMS_LINE.exec(bytes.toString('latin1'));
      if (!match) return;
      const real = resolvedPath(tree, posix.join('/', Buffer.from(match[1], 'latin1').toString('utf8')));
      if (real !== undefined && isKept(real)) numbers.push(index + 1);
    });
    if (numbers.length === 0) continue;
    const selected = toRanges(numbers);
    files.push({ path: `${DPKG_STATUS_DIRECTORY}/${pkg.key}.md5sums`, source, lines: selected, content: selectLines(lines, selected), detail: `files of ${pkg.key} kept` });
  }
  return files;
}
