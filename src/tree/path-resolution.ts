/**
 * Path resolution inside the image root, the way the kernel resolves a path after chroot (or with
 * openat2 RESOLVE_IN_ROOT): components are walked one by one; a symlink's text is spliced in place of the
 * component (absolute targets restart at the image root, relative ones at the symlink's directory); `..`
 * moves to the parent of the directory already reached, never lexically, and `..` at `/` stays at `/`.
 * After 40 symlinks the walk fails like Linux does with ELOOP (MAXSYMLINKS, `include/linux/namei.h`).
 * Reference: runtime-deps.md §1.9.
 */
import { ImageError } from '../errors';
import type { FileType } from './types';

/** Linux `MAXSYMLINKS`: the most symlinks one path lookup may follow. */
export const MAX_SYMLINKS = 40;

/** The part of a tree node the walk needs. */
export interface WalkNode {
  readonly type: FileType;
  /** Symlink text. */
  readonly linkTarget?: string;
  /** Absolute path, for the list of symlinks crossed. */
  readonly path: string;
  children?: Map<string, WalkNode>;
}

/** Where a walk stopped before reaching the whole path. */
export interface WalkStop<N extends WalkNode> {
  /** The deepest directory reached. */
  dir: N;
  /** Its path components. */
  dirPath: string[];
  /** The components not walked (the first one is missing, or its predecessor was not a directory). */
  rest: string[];
  reason: 'missing' | 'not-a-directory';
}

export interface WalkResult<N extends WalkNode> {
  /** Canonical path reached; when the walk stopped, the deepest directory joined lexically with the rest. */
  path: string;
  node?: N;
  symlinks: string[];
  stop?: WalkStop<N>;
}

/** Splits an image path into components; empty and `.` components are dropped, `..` is kept. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** Joins components to an absolute image path. */
export function joinPath(components: readonly string[]): string {
  return '/' + components.join('/');
}

/** Lexical join used only past the point where nothing exists any more (no symlink can be crossed there). */
function lexicalJoin(base: readonly string[], rest: readonly string[]): string[] {
  const out = [...base];
  for (const part of rest) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out;
}

/**
 * Walks `path` from `root`. `followFinal` decides whether a symlink in the last component is followed
 * (stat vs lstat). Throws ImageError after MAX_SYMLINKS links.
 */
export function walk<N extends WalkNode>(root: N, path: string, followFinal: boolean): WalkResult<N> {
  // Pending components, last element = next to process (so splicing a link target is a push).
  const pending = splitPath(path).reverse();
  const dirPath: string[] = [];
  const dirNodes: N[] = [root];
  const symlinks: string[] = [];
  let links = 0;

  while (pending.length > 0) {
    const name = pending.pop() as string;
    const dir = dirNodes[dirNodes.length - 1];
    if (name === '..') {
      if (dirPath.length > 0) {
        dirPath.pop();
        dirNodes.pop();
      }
      continue;
    }
    const child = dir.children?.get(name) as N | undefined;
    const isLast = pending.length === 0;
    if (!child) {
      const rest = [name, ...[...pending].reverse()];
      return { path: joinPath(lexicalJoin(dirPath, rest)), symlinks, stop: { dir, dirPath: [...dirPath], rest, reason: 'missing' } };
    }
    if (child.type === 'symlink' && (!isLast || followFinal)) {
      links += 1;
      if (links > MAX_SYMLINKS) {
        throw new ImageError(`too many levels of symbolic links resolving ${path} (more than ${MAX_SYMLINKS})`);
      }
      symlinks.push(child.path);
      const target = child.linkTarget ?? '';
      if (target.startsWith('/')) {
        dirPath.length = 0;
        dirNodes.length = 1;
      }
      const parts = splitPath(target);
      if (parts.length === 0 && !target.startsWith('/')) {
        // An empty link target resolves to nothing (ENOENT), like the kernel.
        const rest = [name, ...[...pending].reverse()];
        return { path: joinPath(lexicalJoin(dirPath, rest)), symlinks, stop: { dir, dirPath: [...dirPath], rest, reason: 'missing' } };
      }
      for (let i = parts.length - 1; i >= 0; i -= 1) pending.push(parts[i]);
      continue;
    }
    if (!isLast && child.type !== 'dir') {
      const rest = [...pending].reverse();
      return {
        path: joinPath(lexicalJoin([...dirPath, name], rest)),
        symlinks,
        stop: { dir, dirPath: [...dirPath], rest: [name, ...rest], reason: 'not-a-directory' },
      };
    }
    dirPath.push(name);
    dirNodes.push(child);
  }
  return { path: joinPath(dirPath), node: dirNodes[dirNodes.length - 1], symlinks };
}
