/**
 * A FileTree over a host directory, for tests: the directory plays the image root. Resolution follows the
 * kernel rules of runtime-deps.md §1.9 (absolute link targets restart at the root, `..` goes to the parent
 * of the directory actually reached, `..` at the root stays there, 40 hops at most), so loader tests can run
 * against this machine's `/` or a gcc-built tmp root.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ImageError } from '../../src/errors';
import type { FileEntry, FileTree, FileType, RangeRequest, Resolution } from '../../src/tree/types';

const MAX_SYMLINK_HOPS = 40;

function fileType(stat: fs.Stats): FileType {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'dir';
  if (stat.isFile()) return 'file';
  if (stat.isCharacterDevice()) return 'char';
  if (stat.isBlockDevice()) return 'block';
  if (stat.isFIFO()) return 'fifo';
  return 'socket';
}

export class HostDirectoryTree implements FileTree {
  /** Paths whose content was read, so tests can check that the loader reads only what it needs. */
  readonly reads: string[] = [];

  constructor(readonly root: string) {}

  private host(imagePath: string): string {
    return path.join(this.root, imagePath);
  }

  lstat(imagePath: string): FileEntry | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(this.host(imagePath));
    } catch {
      return undefined;
    }
    const type = fileType(stat);
    return {
      path: imagePath,
      type,
      mode: stat.mode & 0o7777,
      uid: stat.uid,
      gid: stat.gid,
      size: type === 'file' ? stat.size : 0,
      linkTarget: type === 'symlink' ? fs.readlinkSync(this.host(imagePath)) : undefined,
      mtime: Math.floor(stat.mtimeMs / 1000),
      layer: 0,
    };
  }

  resolve(imagePath: string, options: { followFinal?: boolean } = {}): Resolution {
    const followFinal = options.followFinal ?? true;
    const symlinks: string[] = [];
    const done: string[] = [];
    const pending = imagePath.split('/').filter((c) => c !== '' && c !== '.');
    let hops = 0;
    while (pending.length > 0) {
      const component = pending.shift() as string;
      if (component === '..') {
        done.pop();
        continue;
      }
      const candidate = `/${[...done, component].join('/')}`;
      const entry = this.lstat(candidate);
      if (entry?.type === 'symlink' && (pending.length > 0 || followFinal)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new ImageError(`too many levels of symbolic links resolving ${imagePath}`);
        symlinks.push(candidate);
        const target = entry.linkTarget ?? '';
        if (target.startsWith('/')) done.length = 0;
        pending.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
        continue;
      }
      done.push(component);
      if (pending.length > 0 && entry?.type !== 'dir') {
        return { path: `/${[...done, ...pending].join('/')}`, entry: undefined, symlinks };
      }
    }
    const final = `/${done.join('/')}`;
    return { path: final, entry: this.lstat(final), symlinks };
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(this.host(dir)).sort();
    } catch {
      return [];
    }
  }

  *entries(): Iterable<FileEntry> {
    const walk = function* (tree: HostDirectoryTree, dir: string): Generator<FileEntry> {
      for (const name of tree.list(dir)) {
        const child = dir === '/' ? `/${name}` : `${dir}/${name}`;
        const entry = tree.lstat(child);
        if (!entry) continue;
        yield entry;
        if (entry.type === 'dir') yield* walk(tree, child);
      }
    };
    yield* walk(this, '/');
  }

  fileTotals(): { files: number; bytes: number } {
    let files = 0;
    let bytes = 0;
    for (const entry of this.entries()) {
      if (entry.type !== 'file') continue;
      files += 1;
      bytes += entry.size;
    }
    return { files, bytes };
  }

  readonly warnings: readonly string[] = [];

  async readFile(imagePath: string): Promise<Buffer> {
    const resolved = this.resolve(imagePath);
    if (resolved.entry?.type !== 'file') throw new ImageError(`${imagePath} is not a regular file`);
    this.reads.push(resolved.path);
    return fs.promises.readFile(this.host(resolved.path));
  }

  async readFiles(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const p of paths) out.set(p, await this.readFile(p));
    return out;
  }

  async readRanges(requests: readonly RangeRequest[]): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const { path: imagePath, start, size } of requests) {
      const resolved = this.resolve(imagePath);
      if (resolved.entry?.type !== 'file') throw new ImageError(`${imagePath} is not a regular file`);
      this.reads.push(resolved.path);
      const handle = await fs.promises.open(this.host(resolved.path), 'r');
      try {
        const buffer = Buffer.alloc(Math.max(0, Math.min(size, resolved.entry.size - start)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        out.push(buffer.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    }
    return out;
  }
}
