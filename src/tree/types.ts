/**
 * The merged file system of an image: every layer applied in order, whiteouts and opaque directories
 * honoured. This is what the analyzer reads; it never knows which image source produced it.
 *
 * Paths are absolute, normalized image paths ("/usr/bin/env"), never host paths. Names in an image are bytes:
 * they are held as strings by src/image/name-bytes.ts's rule (valid UTF-8 as text, any other byte as the lone
 * surrogate U+DC80..U+DCFF), which `nameBytes` turns back into the exact bytes.
 */

import type { LayerWaste } from './layer-waste';

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'socket';

export interface FileEntry {
  /** Absolute, normalized path inside the image ("/etc/passwd"). */
  path: string;
  type: FileType;
  /** Permission bits including setuid/setgid/sticky (e.g. 0o4755), without the file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of content for regular files and for hardlinks (the size of the file they share); 0 for everything else. */
  size: number;
  /** For symlinks: the target exactly as stored. For hardlinks: the absolute image path of the link target. */
  linkTarget?: string;
  /** Modification time in seconds since the epoch, as stored in the layer. */
  mtime: number;
  /** Index of the layer (0 = oldest) whose entry is visible in the merged tree. */
  layer: number;
  /** Other paths in the merged tree that share this file's content (tar hardlinks), sorted; absent when none. */
  hardlinks?: string[];
  /** Extended attributes from PAX `SCHILY.xattr.*` records (e.g. `security.capability`); values are bytes, held as names are. */
  xattrs?: Record<string, string>;
  /** Device numbers of char/block nodes (kept as metadata only). */
  devMajor?: number;
  devMinor?: number;
}

/** Outcome of resolving a path inside the image the way the kernel would. */
export interface Resolution {
  /** The final path, with every symlink on the way (in directories and at the end) followed. */
  path: string;
  /** The entry at `path`, or undefined when nothing exists there. */
  entry?: FileEntry;
  /** Every symlink crossed, in the order crossed, as absolute image paths. The slim image needs each one. */
  symlinks: string[];
}

/** Read access to a merged image file system. Implementations never touch host paths named by the image. */
export interface FileTree {
  /** The entry at exactly this path, without following a final symlink (like lstat). Parent symlinks are not followed either. */
  lstat(path: string): FileEntry | undefined;
  /** Follows symlinks in every component, relative and absolute, never leaving the image root; throws after too many links. */
  resolve(path: string, options?: { followFinal?: boolean }): Resolution;
  /** Names (not paths) directly inside a directory, sorted. */
  list(dir: string): string[];
  /** Every entry, sorted by path. */
  entries(): Iterable<FileEntry>;
  /** How many regular files the tree holds (hardlinks to them not counted again) and their bytes. */
  fileTotals(): { files: number; bytes: number };
  /** Content of a regular file (a hardlink reads its target), following symlinks. Throws for anything else. */
  readFile(path: string): Promise<Buffer>;
  /** Like readFile for many paths at once, reading each layer at most once; keyed by the paths given. */
  readFiles(paths: readonly string[]): Promise<Map<string, Buffer>>;
  /** Problems met while merging that did not stop it (escaping names, device nodes, dangling hardlinks). */
  readonly warnings: readonly string[];
  /** Bytes written by one layer and removed or replaced by a later one; absent for trees not built from layers. */
  layerWaste?(): LayerWaste;
}

/** Where a regular file's bytes are, so they can be re-read without keeping them in memory. */
export type ContentLocation =
  /** `offset` is the byte offset of the file's data in the *uncompressed* tar stream of layer `layer`. */
  | { kind: 'layer'; layer: number; offset: number }
  /** A file of a root-filesystem directory on the host, opened without following a final symlink. */
  | { kind: 'host'; path: string };

/** Reads file contents for a tree; the image side implements it, since only it knows how layers are stored. */
export interface ContentReader {
  /** Reads each request; the result has one buffer per request, in order. */
  read(requests: ReadonlyArray<{ location: ContentLocation; size: number }>): Promise<Buffer[]>;
}

/** One tar header of a layer, as the merge consumes it (names not yet normalized). */
export interface LayerEntry {
  /** Name exactly as in the tar (PAX path and GNU long names applied). */
  name: string;
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlink text, or the hardlink's target name from the layer root. */
  linkName?: string;
  mtime: number;
  /** Byte offset of the entry's data in the uncompressed layer stream. */
  offset: number;
  /** Where the bytes are when they are not in a layer stream (a root-filesystem directory). */
  location?: ContentLocation;
  xattrs?: Record<string, string>;
  devMajor?: number;
  devMinor?: number;
}
