/**
 * The slim image's one layer: the kept paths as a tar, in a fixed order with fixed metadata, so the same
 * analysis of the same image always gives the same bytes (and so the same diff_id).
 *
 * Order: component by component, bytewise (the order `tar` gets from sorted directory walks), so a parent
 * always precedes its children. Hardlinks: a tar hardlink must name an entry that came *earlier* in the
 * archive (the reader links to what it has already extracted), so within each set of paths sharing one
 * content the first in archive order carries the bytes and the others link to it, whichever of them the
 * source image happened to store as the file. Names, link targets and xattr values (a file capability) are
 * written as the bytes the image had (src/image/name-bytes.ts).
 */
import { posix } from 'node:path';
import type { KeptPath } from '../analyze/types';
import type { SynthesizedFile } from '../packages';
import { ScratchifyError } from '../errors';
import { nameBytes } from '../image/name-bytes';
import type { FileTree } from '../tree/types';
import type { TarEntryHeader, TarEntryType, TarFileWriter } from './archive-tar-writer';

/** One entry of the layer as it will be written. */
export interface LayerRecord extends TarEntryHeader {
  /** Image path (absolute) this entry stands for. */
  path: string;
  /** For a `file`: the image path its bytes are read from. */
  contentFrom?: string;
  /** For a `file`: the size the analysis recorded (the bytes read are what is written). */
  expectedSize?: number;
  /** For a synthesized `file` (the package database): its bytes, which the image does not have. */
  content?: Buffer;
}

/** The layer before any content is read: every entry in order, and what was left out and why. */
export interface LayerPlan {
  records: LayerRecord[];
  /** Human-readable notes on kept paths that could not go into the layer (device nodes, sockets). */
  skipped: string[];
}

/** Bytewise (the names' bytes: name-bytes.ts), component-wise comparison of absolute paths: `/a` < `/a/b` < `/a-b`. */
export function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const order = Buffer.compare(nameBytes(left[i]), nameBytes(right[i]));
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function analysisError(message: string): ScratchifyError {
  return new ScratchifyError('analysis', message);
}

function checkPath(path: string): void {
  if (!path.startsWith('/') || posix.normalize(path) !== path || (path.length > 1 && path.endsWith('/')) || path.includes('\0')) {
    throw analysisError(`kept path ${JSON.stringify(path)} is not an absolute, normalized image path`);
  }
}

/** Tar names are relative to the layer root (`usr/bin/env`), as Docker's own layers store them. */
function tarName(path: string): string {
  return path.slice(1);
}

/** Orders the kept paths into layer entries; reads nothing but metadata. */
export function planLayer(tree: FileTree, kept: readonly KeptPath[], synthesized: readonly SynthesizedFile[] = []): LayerPlan {
  const contents = new Map(synthesized.map((file) => [file.path, file.content]));
  const byPath = new Map<string, KeptPath>();
  for (const item of kept) {
    checkPath(item.path);
    if (item.path === '/') continue;
    const seen = byPath.get(item.path);
    if (seen && (seen.type !== item.type || seen.linkTarget !== item.linkTarget)) {
      throw analysisError(`${item.path} is kept twice, as ${seen.type} and as ${item.type}`);
    }
    if (!seen) byPath.set(item.path, item);
  }

  // Parents the list leaves out are added with the image's own metadata; the list promises them, but a tar
  // without them makes the reader invent 0755 root-owned directories, which is not what the image had.
  for (const path of [...byPath.keys()]) {
    for (let parent = posix.dirname(path); parent !== '/'; parent = posix.dirname(parent)) {
      const item = byPath.get(parent);
      if (item) {
        if (item.type !== 'dir') throw analysisError(`${path} is kept under ${parent}, which is kept as a ${item.type}, not a directory`);
        continue;
      }
      const entry = tree.lstat(parent);
      if (entry && entry.type !== 'dir') throw analysisError(`${path} is kept under ${parent}, which is a ${entry.type} in the image`);
      byPath.set(parent, {
        path: parent,
        type: 'dir',
        size: 0,
        mode: entry?.mode ?? 0o755,
        uid: entry?.uid ?? 0,
        gid: entry?.gid ?? 0,
        reasons: [],
      });
    }
  }

  const ordered = [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path));
  const skipped: string[] = [];
  const records: LayerRecord[] = [];
  /** Content identity (the path a hardlink set's bytes belong to) → the entry that carries them. */
  const carriers = new Map<string, string>();

  const contentKey = (item: KeptPath): string => {
    let key = item.path;
    let current: KeptPath | undefined = item;
    for (let hops = 0; current?.type === 'hardlink'; hops += 1) {
      if (hops > byPath.size || current.linkTarget === undefined) throw analysisError(`hardlink ${item.path} has no resolvable target`);
      key = current.linkTarget;
      current = byPath.get(key);
    }
    return key;
  };

  for (const item of ordered) {
    const base = { path: item.path, name: tarName(item.path), mode: item.mode, uid: item.uid, gid: item.gid };
    switch (item.type) {
      case 'dir':
      case 'fifo': {
        const type: TarEntryType = item.type === 'dir' ? 'directory' : 'fifo';
        records.push({ ...base, type, xattrs: item.synthesized ? undefined : tree.lstat(item.path)?.xattrs });
        break;
      }
      case 'symlink':
        if (item.linkTarget === undefined) throw analysisError(`symlink ${item.path} has no target`);
        records.push({ ...base, type: 'symlink', linkname: item.linkTarget });
        break;
      case 'file':
      case 'hardlink': {
        if (item.synthesized) {
          const content = contents.get(item.path);
          if (!content) throw analysisError(`${item.path} is a synthesized path the plan has no content for`);
          records.push({ ...base, type: 'file', content });
          break;
        }
        const key = contentKey(item);
        const carrier = carriers.get(key);
        if (carrier !== undefined) {
          records.push({ ...base, type: 'link', linkname: tarName(carrier) });
        } else {
          carriers.set(key, item.path);
          records.push({ ...base, type: 'file', contentFrom: item.path, expectedSize: item.size, xattrs: tree.lstat(item.path)?.xattrs });
        }
        break;
      }
      default:
        // Device nodes come from the engine at run time (/dev is a tmpfs); a layer that carries them is
        // refused by rootless engines and is never what the program needs. Sockets cannot be stored in tar.
        skipped.push(`${item.path}: ${item.type} not written to the layer`);
    }
  }
  return { records, skipped };
}

/** How many content bytes (and files) one read batch may hold: the layer is streamed, never held whole. */
export interface LayerBatchLimits {
  bytes: number;
  files: number;
}

export const DEFAULT_BATCH_LIMITS: LayerBatchLimits = { bytes: 32 * 1024 * 1024, files: 512 };

/**
 * Writes the planned entries into `writer`, reading file contents from `tree` in batches: each batch reads
 * the next files in archive order until `limits` is reached (a single larger file is a batch of its own).
 */
export async function writeLayerEntries(
  tree: FileTree,
  plan: LayerPlan,
  writer: TarFileWriter,
  limits: LayerBatchLimits = DEFAULT_BATCH_LIMITS,
): Promise<void> {
  const { records } = plan;
  let batch = new Map<string, Buffer>();
  let batchEnd = 0;
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index];
    if (record.content !== undefined) {
      const { content, ...header } = record;
      await writer.add(header, content);
      continue;
    }
    if (record.contentFrom === undefined) {
      await writer.add(record);
      continue;
    }
    if (index >= batchEnd) {
      const paths: string[] = [];
      let bytes = 0;
      let next = index;
      for (; next < records.length; next += 1) {
        const candidate = records[next];
        if (candidate.contentFrom === undefined) continue;
        const size = candidate.expectedSize ?? 0;
        if (paths.length > 0 && (bytes + size > limits.bytes || paths.length >= limits.files)) break;
        paths.push(candidate.contentFrom);
        bytes += size;
      }
      batchEnd = next;
      batch = await tree.readFiles(paths);
    }
    const content = batch.get(record.contentFrom) as Buffer;
    batch.delete(record.contentFrom);
    await writer.add(record, content);
  }
}
