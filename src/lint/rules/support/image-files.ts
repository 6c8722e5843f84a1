/** What image rules share: byte formatting and finding programs in an image's file tree. */
import type { FileEntry, FileTree } from '../../../tree/types';

/** `12.3 MB` (decimal megabytes, as `docker images` prints sizes). */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Directories a shell or package manager is installed in. */
export const PROGRAM_DIRECTORIES = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** Executables named `names` in the usual program directories, by their path in the image (symlinks included). */
export function findPrograms(tree: FileTree, names: readonly string[]): FileEntry[] {
  const found: FileEntry[] = [];
  for (const dir of PROGRAM_DIRECTORIES) {
    for (const name of names) {
      const entry = tree.lstat(`${dir}/${name}`);
      if (entry && entry.type !== 'dir') found.push(entry);
    }
  }
  return found;
}

/** At most `count` items, then `and N more`. */
export function listSome(items: readonly string[], count = 5): string {
  return items.length <= count ? items.join(', ') : `${items.slice(0, count).join(', ')} and ${items.length - count} more`;
}
