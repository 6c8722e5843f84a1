/**
 * Paths an earlier layer wrote, indexed by their segments so that a deletion finds what it covers without
 * looking at every path written before it: `rm -rf /tmp/x` walks to `/tmp/x`, a glob walks only the
 * directories its fixed part names. What a deletion finds is taken out of the index: a later deletion of the
 * same path deletes nothing more. This keeps `cleanup-in-separate-layer` linear in the Dockerfile.
 */
import { normalizePath } from './final-lineage';

interface PathNode<T> {
  children: Map<string, PathNode<T>>;
  values: T[];
}

function node<T>(): PathNode<T> {
  return { children: new Map(), values: [] };
}

function segmentMatcher(segment: string): ((name: string) => boolean) | undefined {
  if (!/[*?]/.test(segment)) return undefined;
  const escaped = segment.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  const pattern = new RegExp(`^${escaped}$`);
  return (name) => pattern.test(name);
}

export class PathIndex<T> {
  private readonly root: PathNode<T> = node();

  /** Records `value` under `path` (home-directory spellings and doubled slashes read the same). */
  add(path: string, value: T): void {
    let current = this.root;
    for (const segment of normalizePath(path).split('/')) {
      let child = current.children.get(segment);
      if (child === undefined) {
        child = node();
        current.children.set(segment, child);
      }
      current = child;
    }
    current.values.push(value);
  }

  /**
   * Takes out and returns every value recorded at a path that deleting `removed` deletes, by the rules of
   * `removalCovers`: the path itself, everything under it, and for a glob every match and what is under it.
   */
  take(removed: string): T[] {
    const pattern = normalizePath(removed);
    if (pattern === '/' || pattern === '' || pattern === '~') return [];
    const found: T[] = [];
    const segments = pattern.split('/');
    // `rm -rf dir/*` empties dir: that is what cleaning a cache directory means, so dir itself counts too.
    const emptied = pattern.endsWith('/*') && !/[*?[]/.test(pattern.slice(0, -2)) ? segments.length - 1 : undefined;
    const walk = (start: PathNode<T>, index: number): void => {
      const pending: Array<[PathNode<T>, number]> = [[start, index]];
      while (pending.length > 0) {
        const [current, at] = pending.pop() as [PathNode<T>, number];
        if (at === segments.length || at === emptied) {
          this.drain(current, found);
          continue;
        }
        const matches = segmentMatcher(segments[at]);
        if (matches === undefined) {
          const child = current.children.get(segments[at]);
          if (child !== undefined) pending.push([child, at + 1]);
        } else {
          for (const [name, child] of current.children) if (matches(name)) pending.push([child, at + 1]);
        }
      }
    };
    walk(this.root, 0);
    return found;
  }

  /** Moves every value at and under `start` into `found` and empties that part of the index. */
  private drain(start: PathNode<T>, found: T[]): void {
    const pending = [start];
    while (pending.length > 0) {
      const current = pending.pop() as PathNode<T>;
      for (const value of current.values) found.push(value);
      current.values = [];
      pending.push(...current.children.values());
      current.children.clear();
    }
  }
}
