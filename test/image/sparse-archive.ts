/**
 * `docker save` archives written straight to a file, with the data of large files left as holes: a 5 GiB file
 * costs a few kilobytes of disk and no memory, so tests and the benchmark can check what happens past 4 GiB.
 * Uncompressed layers.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { headerBlock } from './raw-tar';

/** One regular file of the layer: `content` written, or `size` bytes of zeros left as a hole. */
export interface SparseFile {
  name: string;
  mode?: number;
  content?: Buffer | string;
  size?: number;
}

const BLOCK = 512;
const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

/** Writes a tar of `files` into `fd` from `at`; returns the tar's size. Holes are skipped, not written. */
function writeTar(fd: number, at: number, files: readonly SparseFile[]): number {
  let position = at;
  for (const file of files) {
    const content = file.content === undefined ? undefined : Buffer.from(file.content);
    const size = content?.length ?? file.size ?? 0;
    fs.writeSync(fd, headerBlock({ name: file.name, typeflag: '0', size, mode: file.mode ?? 0o644 }), 0, BLOCK, position);
    position += BLOCK;
    if (content) fs.writeSync(fd, content, 0, content.length, position);
    position += padded(size);
  }
  fs.writeSync(fd, Buffer.alloc(2 * BLOCK), 0, 2 * BLOCK, position);
  return position + 2 * BLOCK - at;
}

/** sha256 of `size` bytes of `fd` from `at`, read in chunks. */
function digestOf(fd: number, at: number, size: number): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  for (let done = 0; done < size; ) {
    const read = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - done), at + done);
    hash.update(chunk.subarray(0, read));
    done += read;
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Writes a one-layer legacy `docker save` archive to `file` whose layer holds `files`, with `config`. The layer
 * comes first (the config needs its diff id); manifest.json may be anywhere in the archive.
 */
export function writeSparseArchive(file: string, files: readonly SparseFile[], config: Record<string, unknown>): void {
  const fd = fs.openSync(file, 'w+');
  try {
    // The layer member's header needs the inner tar's size: write the tar after it, then the header.
    const size = writeTar(fd, BLOCK, files);
    fs.writeSync(fd, headerBlock({ name: 'layer/layer.tar', typeflag: '0', size }), 0, BLOCK, 0);
    let position = BLOCK + padded(size);
    const configJson = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: [digestOf(fd, BLOCK, size)] } }));
    const manifest = Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['scratchify-sparse:latest'], Layers: ['layer/layer.tar'] }]));
    for (const [name, data] of [['config.json', configJson], ['manifest.json', manifest]] as const) {
      fs.writeSync(fd, headerBlock({ name, typeflag: '0', size: data.length }), 0, BLOCK, position);
      fs.writeSync(fd, data, 0, data.length, position + BLOCK);
      position += BLOCK + padded(data.length);
    }
    fs.writeSync(fd, Buffer.alloc(2 * BLOCK), 0, 2 * BLOCK, position);
  } finally {
    fs.closeSync(fd);
  }
}
