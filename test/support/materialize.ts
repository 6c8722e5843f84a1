/**
 * Writes paths of a {@link FileTree} into a host directory, so real tools (lddtree, strace, a chroot) can run
 * against an image's files: the whole image, or only the paths an analysis kept.
 *
 * Safety: an image is untrusted input. Every image path is checked to be absolute and normalized, every host
 * path to stay under the target, and nothing is ever written *through* a symlink: parents are created one
 * component at a time and must be real directories (a symlink the image put at `/lib` is a symlink on the
 * host too, so writing `/lib/x` through it could land anywhere), files are created with O_EXCL (which does
 * not follow a final symlink), and owners and modes are set with `lchown` / on the fd we created.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import { posix, join, relative, isAbsolute, sep } from 'node:path';
import type { FileEntry, FileTree } from '../../src/tree/types';

/** What {@link materialize} wrote. */
export interface MaterializeReport {
  /** Regular files written (hardlinks written as copies included). */
  files: number;
  /** Hardlinks recreated as links to a materialized file. */
  hardlinks: number;
  symlinks: number;
  dirs: number;
  /** Regular-file bytes written. */
  bytes: number;
  /** Paths not written, with why (device nodes, fifos, sockets, paths absent from the tree). */
  skipped: string[];
}

/** Options for {@link materialize}. */
export interface MaterializeOptions {
  /** Image paths to write; every missing parent directory is written too. Default: the whole tree. */
  paths?: Iterable<string>;
  /** Upper bound of file bytes held in memory at once (files are read in batches); default 256 MiB. */
  batchBytes?: number;
}

const DEFAULT_BATCH_BYTES = 256 * 1024 * 1024;
/**
 * Files per read: the docker-archive reader opens one stream per requested file of an uncompressed layer at
 * once (src/image/layer-stream.ts), so one readFiles call for a whole image with 20 000+ files fails with
 * EMFILE; a bounded batch keeps the open descriptors well under the usual limits.
 */
const BATCH_FILES = 2000;

/** Thrown for an image path that is not absolute and normalized or that would leave the target directory. */
export class UnsafePathError extends Error {
  constructor(path: string, why: string) {
    super(`refusing to materialize ${JSON.stringify(path)}: ${why}`);
    this.name = 'UnsafePathError';
  }
}

/** Checks an image path and returns the host path it maps to under `target`. */
export function hostPathOf(target: string, imagePath: string): string {
  if (imagePath.includes('\0')) throw new UnsafePathError(imagePath, 'contains NUL');
  if (!imagePath.startsWith('/')) throw new UnsafePathError(imagePath, 'not absolute');
  if (imagePath !== '/' && posix.normalize(imagePath) !== imagePath) throw new UnsafePathError(imagePath, 'not normalized');
  if (imagePath.endsWith('/') && imagePath !== '/') throw new UnsafePathError(imagePath, 'trailing slash');
  if (imagePath.split('/').some((part) => part === '..' || part === '.')) throw new UnsafePathError(imagePath, 'has . or .. components');
  const host = join(target, imagePath);
  const rel = relative(target, host);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new UnsafePathError(imagePath, 'leaves the target directory');
  return host;
}

/**
 * Writes `options.paths` (default: every entry) of `tree` under `target`, which must exist. Directories keep
 * their modes and owners, regular files their content, mode, owner and mtime, symlinks their target text
 * (never followed), hardlinks become links when their target is written too and copies otherwise. Device
 * nodes, fifos and sockets are skipped and reported: a chroot run gets its /dev from elsewhere.
 */
export async function materialize(tree: FileTree, target: string, options: MaterializeOptions = {}): Promise<MaterializeReport> {
  const root = await fs.realpath(target);
  const report: MaterializeReport = { files: 0, hardlinks: 0, symlinks: 0, dirs: 0, bytes: 0, skipped: [] };
  const entries = selectEntries(tree, options.paths, report);
  const writer = new HostWriter(root, tree, report);
  // The target plays the image's `/`: its mode matters to a chroot'ed non-root user walking paths.
  const top = tree.lstat('/');
  await fs.chown(root, top?.uid ?? 0, top?.gid ?? 0);
  await fs.chmod(root, top?.type === 'dir' ? top.mode & 0o7777 : 0o755);

  for (const entry of entries) if (entry.type === 'dir') await writer.directory(entry);
  const written = new Set<string>();
  // Regular files first, so hardlinks can link to them; batched to bound memory on large images.
  const regular = entries.filter((e) => e.type === 'file');
  for (const batch of batches(regular, options.batchBytes ?? DEFAULT_BATCH_BYTES)) {
    const contents = await tree.readFiles(batch.map((e) => e.path));
    for (const entry of batch) {
      await writer.file(entry, contents.get(entry.path) as Buffer);
      written.add(entry.path);
    }
  }
  const links = entries.filter((e) => e.type === 'hardlink');
  const copies: FileEntry[] = [];
  for (const entry of links) {
    if (entry.linkTarget !== undefined && written.has(entry.linkTarget)) await writer.hardlink(entry, entry.linkTarget);
    else copies.push(entry);
  }
  for (const batch of batches(copies, options.batchBytes ?? DEFAULT_BATCH_BYTES)) {
    const contents = await tree.readFiles(batch.map((e) => e.path));
    for (const entry of batch) await writer.file(entry, contents.get(entry.path) as Buffer);
  }
  for (const entry of entries) {
    if (entry.type === 'symlink') await writer.symlink(entry);
    else if (entry.type !== 'dir' && entry.type !== 'file' && entry.type !== 'hardlink') {
      report.skipped.push(`${entry.path}: ${entry.type} not materialized`);
    }
  }
  // Directory mtimes last (writing children changes them), deepest first.
  for (const entry of [...entries].reverse()) {
    if (entry.type === 'dir') await fs.utimes(hostPathOf(root, entry.path), entry.mtime, entry.mtime);
  }
  return report;
}

/** The entries to write, sorted by path, every parent directory included (as the tree has it). */
function selectEntries(tree: FileTree, paths: Iterable<string> | undefined, report: MaterializeReport): FileEntry[] {
  if (paths === undefined) return [...tree.entries()].filter((e) => e.path !== '/');
  const wanted = new Map<string, FileEntry>();
  for (const path of paths) {
    for (let dir = posix.dirname(path); dir !== '/'; dir = posix.dirname(dir)) {
      if (wanted.has(dir)) break;
      const parent = tree.lstat(dir);
      // A parent that is a symlink in the image cannot hold this entry in a merged tree; refuse rather than guess.
      if (parent && parent.type !== 'dir') throw new UnsafePathError(path, `parent ${dir} is a ${parent.type} in the image`);
      if (parent) wanted.set(dir, parent);
    }
    if (path === '/') continue;
    const entry = tree.lstat(path);
    if (entry) wanted.set(path, entry);
    else report.skipped.push(`${path}: not in the image`);
  }
  return [...wanted.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function* batches(entries: readonly FileEntry[], maxBytes: number): Generator<FileEntry[]> {
  let batch: FileEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (batch.length > 0 && (bytes + entry.size > maxBytes || batch.length >= BATCH_FILES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += entry.size;
  }
  if (batch.length > 0) yield batch;
}

/** Creates host objects under a root that contains no symlinked directories of our making. */
class HostWriter {
  /** Host directories known to be real directories we created or checked (never symlinks). */
  private readonly realDirs = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly tree: FileTree,
    private readonly report: MaterializeReport,
  ) {
    this.realDirs.add(root);
  }

  /** Ensures every parent of `imagePath` is a real directory on the host, creating missing ones like the image has them. */
  private async parents(imagePath: string): Promise<string> {
    const host = hostPathOf(this.root, imagePath);
    const parentImage = posix.dirname(imagePath);
    const parentHost = hostPathOf(this.root, parentImage);
    if (this.realDirs.has(parentHost)) return host;
    if (parentImage !== '/') {
      const entry = this.tree.lstat(parentImage);
      await this.directory(
        entry?.type === 'dir' ? entry : { path: parentImage, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, layer: 0 },
      );
    }
    return host;
  }

  async directory(entry: FileEntry): Promise<void> {
    const host = await this.parents(entry.path);
    if (this.realDirs.has(host)) return;
    try {
      await fs.mkdir(host, { mode: 0o700 });
      this.report.dirs += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.lstat(host);
      if (!stat.isDirectory()) throw new UnsafePathError(entry.path, 'exists on the host and is not a directory');
    }
    this.realDirs.add(host);
    await fs.lchown(host, entry.uid, entry.gid);
    // chmod after chown: chown clears setgid on some file systems.
    await fs.chmod(host, entry.mode & 0o7777);
  }

  async file(entry: FileEntry, content: Buffer): Promise<void> {
    const host = await this.parents(entry.path);
    // O_EXCL|O_CREAT never follows a final symlink, and O_NOFOLLOW makes that explicit.
    const handle = await fs.open(host, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(content);
      await handle.chown(entry.uid, entry.gid);
      await handle.chmod(entry.mode & 0o7777);
      await handle.utimes(entry.mtime, entry.mtime);
    } finally {
      await handle.close();
    }
    this.report.files += 1;
    this.report.bytes += content.length;
  }

  async hardlink(entry: FileEntry, targetPath: string): Promise<void> {
    const host = await this.parents(entry.path);
    await fs.link(hostPathOf(this.root, targetPath), host);
    this.report.hardlinks += 1;
  }

  async symlink(entry: FileEntry): Promise<void> {
    const host = await this.parents(entry.path);
    // The target text is copied as is: it is resolved later by whoever uses the directory (a chroot, or
    // lddtree with --root), never by us.
    await fs.symlink(entry.linkTarget ?? '', host);
    await fs.lchown(host, entry.uid, entry.gid);
    const time = entry.mtime;
    await fs.lutimes(host, time, time);
    this.report.symlinks += 1;
  }
}
