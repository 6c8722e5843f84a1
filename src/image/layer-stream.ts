/**
 * Streaming one layer: sniff its compression from the first bytes (never from the name or media type, as
 * go-containerregistry does: Docker ≥ 25 and containerd exports label blobs inconsistently), decompress,
 * verify the blob digest and the diff id on the way, and hand each tar entry to the merge. No layer is ever
 * held in memory; file contents are skipped and later re-read by offset.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { ImageError } from '../errors';
import type { LayerEntry } from '../tree/types';
import { forEachEntry } from './entry-batch';
import type { LayerDigests } from './layer-scan';
import type { LayerSource } from './source';
import { describeStreamError } from './stream-errors';
import { TarScanner } from './tar-scanner';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Magic numbers: gzip RFC 1952 `1f 8b`, zstd RFC 8878 `28 b5 2f fd`; anything else is read as plain tar. */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  return 'none';
}

async function readHead(layer: LayerSource): Promise<Buffer> {
  if (layer.size === 0) return Buffer.alloc(0);
  if (layer.location) {
    // In a host file, four bytes are one positional read: no stream to open and no hop through the event loop.
    const head = Buffer.alloc(Math.min(4, layer.size));
    const fd = fs.openSync(layer.location.file, 'r');
    try {
      return head.subarray(0, fs.readSync(fd, head, 0, head.length, layer.location.start));
    } finally {
      fs.closeSync(fd);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of layer.open({ start: 0, end: Math.min(3, layer.size - 1) })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The layer's compression; zstd is refused here, before any work. */
export async function layerCompression(layer: LayerSource, index: number, file: string): Promise<Compression> {
  let head: Buffer;
  try {
    head = await readHead(layer);
  } catch (error) {
    throw layerError(error, layer, index, file);
  }
  const compression = sniffCompression(head);
  if (compression === 'zstd') {
    // Node 20 has no zstd in zlib (added experimentally in 22.15/23.8), and no zstd package is a dependency.
    throw new ImageError(
      `zstd-compressed layer ${index + 1} (${layer.name}): not supported, re-save with gzip or uncompressed layers`,
      { file },
    );
  }
  return compression;
}

function hashTap(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}

function digestAlgorithm(digest: string | undefined): 'sha256' | 'sha512' | undefined {
  const algorithm = digest?.slice(0, digest.indexOf(':'));
  return algorithm === 'sha256' || algorithm === 'sha512' ? algorithm : undefined;
}

/** A writable end that feeds the layer scanner (tar-scanner.ts) and hands each entry to `onEntry` as its batch fills. */
function scanSink(onEntry: (entry: LayerEntry) => void): Writable {
  const scanner = new TarScanner((batch) => forEachEntry(batch, onEntry));
  return new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      try {
        scanner.push(chunk);
      } catch (error) {
        return callback(error as Error);
      }
      callback();
    },
    final(callback) {
      try {
        scanner.end();
      } catch (error) {
        return callback(error as Error);
      }
      callback();
    },
  });
}

/** The algorithms of the two digests a layer can be checked against, when it names them. */
export function layerDigestAlgorithms(layer: LayerSource): { blobAlgorithm?: 'sha256' | 'sha512'; diffAlgorithm?: 'sha256' | 'sha512' } {
  return { blobAlgorithm: digestAlgorithm(layer.digest), diffAlgorithm: digestAlgorithm(layer.diffId) };
}

/** The ImageError for a failure while reading layer `index`, naming the layer once. */
export function layerError(error: unknown, layer: LayerSource, index: number, file: string): ImageError {
  return error instanceof ImageError ? error : new ImageError(`layer ${index + 1} (${layer.name}): ${describeStreamError(error)}`, { file });
}

/**
 * Streams a layer once through the layer scanner, calling `onEntry` for each entry (one reused object, as
 * `forEachEntry` passes it), and returns the blob digest and diff id computed on the way. For a layer that is not
 * in a host file, which the scan pool cannot read.
 */
export async function streamLayer(
  layer: LayerSource,
  index: number,
  file: string,
  compression: Compression,
  onEntry: (entry: LayerEntry) => void,
): Promise<LayerDigests> {
  const { blobAlgorithm, diffAlgorithm } = layerDigestAlgorithms(layer);
  const blobHash = blobAlgorithm ? createHash(blobAlgorithm) : undefined;
  const diffHash = diffAlgorithm ? createHash(diffAlgorithm) : undefined;
  const stages: NodeJS.ReadWriteStream[] = [];
  if (blobHash) stages.push(hashTap(blobHash));
  if (compression === 'gzip') stages.push(zlib.createGunzip());
  if (diffHash) stages.push(hashTap(diffHash));
  try {
    await pipeline([layer.open(), ...stages, scanSink(onEntry)] as unknown as [Readable, Writable]);
  } catch (error) {
    throw layerError(error, layer, index, file);
  }
  return { blob: blobHash?.digest('hex'), diff: diffHash?.digest('hex') };
}

/** Compares computed digests with those the image names; throws the mismatch as an ImageError. */
export function checkLayerDigests(layer: LayerSource, index: number, file: string, digests: LayerDigests): void {
  checkDigest(digests.blob, layer.digest, `layer ${index + 1} (${layer.name}): blob digest mismatch`, file);
  checkDigest(digests.diff, layer.diffId, `layer ${index + 1} (${layer.name}): diff id mismatch`, file);
}

function checkDigest(hex: string | undefined, expected: string | undefined, what: string, file: string): void {
  if (!hex || !expected) return;
  const actual = `${expected.slice(0, expected.indexOf(':'))}:${hex}`;
  if (actual !== expected) throw new ImageError(`${what}: expected ${expected}, content is ${actual}`, { file });
}
