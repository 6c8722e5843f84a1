/**
 * apk's database, `lib/apk/db/installed`: one record per package, records separated by an empty line. `P:` names
 * the package, `V:` its version, `A:` its architecture, `L:` its license; after those, each `F:` line names a
 * directory (relative to /) and the `R:` lines after it the files in it, each followed by its own `a:`/`Z:` lines
 * (apk-tools `database.c`, `apk_db_fdb_write`). The slim image's copy keeps the records of packages that keep a
 * file, and in each only the `F:` blocks and `R:` entries of kept files.
 */
import type { FileTree } from '../tree/types';
import { selectLines, splitLines, toRanges } from './line-selection';
import type { InstalledPackage, SynthesizedFile } from './types';

export const APK_INSTALLED = '/lib/apk/db/installed';

interface ApkLine {
  number: number;
  key: string;
  value: string;
}

export interface ApkPackage extends InstalledPackage {
  /** Line numbers of the record's header (before its first `F:`) and its separator. */
  header: number[];
  /** Each `F:` block: its own lines and, per file, the lines of that file's entry. */
  blocks: { lines: number[]; files: { path: string; lines: number[] }[] }[];
}

function resolvedPath(tree: FileTree, path: string): string | undefined {
  try {
    return tree.resolve(path, { followFinal: false }).path;
  } catch {
    return undefined;
  }
}

export async function readApkPackages(tree: FileTree, warnings: string[]): Promise<ApkPackage[] | undefined> {
  const entry = tree.lstat(APK_INSTALLED);
  if (!entry || entry.type !== 'file') return undefined;
  const content = await tree.readFile(APK_INSTALLED);
  if (content.includes(0)) {
    warnings.push(`${APK_INSTALLED} holds a NUL byte; its packages are not carried`);
    return [];
  }
  const lines = splitLines(content).map((bytes, index): ApkLine => {
    const text = bytes.toString('utf8');
    return { number: index + 1, key: text.slice(0, 2), value: text.slice(2) };
  });
  const packages: ApkPackage[] = [];
  let current: ApkPackage | undefined;
  let block: ApkPackage['blocks'][number] | undefined;
  let file: { path: string; lines: number[] } | undefined;
  let dir = '';
  for (const line of lines) {
    if (line.key === '' && line.value === '') {
      if (current) {
        current.header.push(line.number);
        packages.push(current);
      }
      current = undefined;
      block = undefined;
      file = undefined;
      continue;
    }
    current ??= { name: '', key: '', licenses: [], paths: [], header: [], blocks: [] };
    switch (line.key) {
      case 'F:':
        dir = line.value;
        block = { lines: [line.number], files: [] };
        current.blocks.push(block);
        file = undefined;
        break;
      case 'R:': {
        const path = `/${dir === '' ? '' : `${dir}/`}${line.value}`;
        file = { path: resolvedPath(tree, path) ?? path, lines: [line.number] };
        if (block) block.files.push(file);
        else current.header.push(line.number);
        current.paths.push(file.path);
        break;
      }
      case 'a:':
      case 'Z:':
        if (file) file.lines.push(line.number);
        else if (block) block.lines.push(line.number);
        else current.header.push(line.number);
        break;
      case 'M:':
        if (block) block.lines.push(line.number);
        else current.header.push(line.number);
        break;
      default:
        if (block) {
          // A field after the first F: belongs to no file; kept with its block so the record stays whole.
          block.lines.push(line.number);
          break;
        }
        current.header.push(line.number);
        if (line.key === 'P:') current.name = current.key = line.value;
        if (line.key === 'V:') current.version = line.value;
        if (line.key === 'A:') current.architecture = line.value;
        if (line.key === 'L:' && line.value !== '') current.licenses = [line.value];
    }
  }
  if (current) packages.push(current);
  return packages.filter((pkg) => pkg.name !== '');
}

/** `lib/apk/db/installed` with only the kept packages, and in them only the kept files. */
export async function apkKeptDatabase(tree: FileTree, kept: ApkPackage[], isKept: (path: string) => boolean): Promise<SynthesizedFile[]> {
  if (kept.length === 0) return [];
  const lines = splitLines(await tree.readFile(APK_INSTALLED));
  const numbers: number[] = [];
  for (const pkg of kept) {
    numbers.push(...pkg.header);
    for (const block of pkg.blocks) {
      const files = block.files.filter((file) => isKept(file.path));
      if (files.length === 0) continue;
      numbers.push(...block.lines);
      for (const file of files) numbers.push(...file.lines);
    }
  }
  const ranges = toRanges(numbers);
  return [{ path: APK_INSTALLED, source: APK_INSTALLED, lines: ranges, content: selectLines(lines, ranges), detail: 'apk database of the kept packages' }];
}
