/**
 * Re-reading file contents from an image's layers once the merged tree is built (the tree keeps only where
 * each file's bytes are). An uncompressed layer is read by random access. A gzip layer has no index, so a read
 * inflates it from the start up to the last byte wanted; an analysis that reads a dozen files of one layer one
 * at a time (the program, its ELF interpreter, libc, `ld.so.cache`…) would inflate that layer a dozen times.
 * So a gzip layer whose tar fits what is left of a per-image budget is kept whole for later reads: handed over
 * by the scan that inflated it to build the tree (scan/layer-scan.ts) when it is small, or inflated once on its first
 * read; a larger one is read in passes.
 */
import * as zlib from 'node:zlib';
import { ContentReadError, ImageError } from '../errors';
import type { ContentLocation, ContentReader } from '../tree/types';
import type { Compression } from './layer-stream';
import { readHostFile } from './rootfs';
import type { LayerSource, OpenedImage } from './source';
import { describeStreamError } from './stream-errors';

/** One slice of a layer's uncompressed stream to read. */
export interface LayerRange {
  offset: number;
  size: number;
}

/** Streams open at once when reading slices of an uncompressed layer. */
const OPEN_STREAMS = 64;

/**
 * Inflated gzip layers kept per image, in bytes. Small next to the tree of a large image, and enough for the
 * application and configuration layers that analyses read most often; a distribution's base layer (~80 MB
 * inflated) is not kept, and is read in passes.
 */
export const INFLATED_LAYER_BUDGET = 64 * 1024 * 1024;

/** Whole inflated gzip layers, kept while the budget allows; layers found too large are remembered as such. */
export class InflatedLayers {
  private readonly kept = new Map<number, Buffer>();
  private readonly tooLarge = new Set<number>();
  private used = 0;

  constructor(private readonly budget = INFLATED_LAYER_BUDGET) {}

  get(layer: number): Buffer | undefined {
    return this.kept.get(layer);
  }

  /** Bytes a pass over `layer` may keep; 0 when the layer is known not to fit. */
  room(layer: number): number {
    return this.tooLarge.has(layer) ? 0 : this.budget - this.used;
  }

  /**
   * Keeps a layer's inflated tar if it fits; a layer that does not (or whose pass could not keep it whole) is
   * remembered as too large and read in passes from then on.
   */
  keep(layer: number, bytes: Buffer | undefined): void {
    if (!bytes || bytes.length > this.room(layer)) {
      this.tooLarge.add(layer);
      return;
    }
    this.kept.set(layer, bytes);
    this.used += bytes.length;
  }
}

/**
 * The ContentReader of an opened image: host files for a root directory, layer slices otherwise, gzip layers
 * from `inflated` when it holds them (and into it when they fit).
 */
export function layerContentReader(image: OpenedImage, compressions: readonly Compression[], inflated = new InflatedLayers()): ContentReader {
  return {
    async read(requests) {
      const results: Buffer[] = new Array(requests.length);
      const byLayer = new Map<number, number[]>();
      const hostReads: Promise<void>[] = [];
      requests.forEach((request, index) => {
        const location: ContentLocation = request.location;
        if (location.kind === 'host') {
          if (!image.rootDirectory) throw new ImageError('host content in an image without root directory', { file: image.file });
          const { start = 0, size } = request;
          const read = readHostFile(image.rootDirectory, location.path, start, size).catch((error: unknown) => {
            throw new ContentReadError(`${location.path}: ${error instanceof ImageError ? error.message : describeStreamError(error)}`, { file: image.file });
          });
          hostReads.push(read.then((bytes) => void (results[index] = bytes)));
          return;
        }
        const list = byLayer.get(location.layer);
        if (list) list.push(index);
        else byLayer.set(location.layer, [index]);
      });
      for (const [layer, indexes] of byLayer) {
        const ranges = indexes.map((index) => {
          const location = requests[index].location as Extract<ContentLocation, { kind: 'layer' }>;
          return { offset: location.offset + (requests[index].start ?? 0), size: requests[index].size };
        });
        const buffers = await readLayerRanges(image.layers[layer], compressions[layer], ranges, image.file, { inflated, index: layer });
        indexes.forEach((index, k) => (results[index] = buffers[k]));
      }
      await Promise.all(hostReads);
      return results;
    },
  };
}

/**
 * Reads slices of a layer's uncompressed stream. An uncompressed layer is read by random access; a gzip layer
 * is served from `cache` when it holds the layer, and otherwise inflated from the start, once for all slices
 * (and kept whole in `cache` when it fits).
 */
export async function readLayerRanges(
  layer: LayerSource,
  compression: Compression,
  ranges: readonly LayerRange[],
  file: string,
  cache?: { inflated: InflatedLayers; index: number },
): Promise<Buffer[]> {
  try {
    if (compression === 'none') {
      // One stream per slice, but a bounded number at once: tens of thousands of open files hit EMFILE.
      const results: Buffer[] = new Array(ranges.length);
      for (let start = 0; start < ranges.length; start += OPEN_STREAMS) {
        const batch = ranges.slice(start, start + OPEN_STREAMS);
        const read = await Promise.all(batch.map((range) => collect(range.size === 0 ? [] : layer.open({ start: range.offset, end: range.offset + range.size - 1 }))));
        read.forEach((buffer, index) => (results[start + index] = buffer));
      }
      return results;
    }
    const whole = cache?.inflated.get(cache.index);
    if (whole) return ranges.map((range) => sliceOf(whole, range, layer));
    const pass = await inflateRanges(layer, ranges, cache ? cache.inflated.room(cache.index) : 0);
    cache?.inflated.keep(cache.index, pass.whole);
    return pass.buffers;
  } catch (error) {
    if (error instanceof ContentReadError) throw error;
    throw new ContentReadError(`layer ${layer.name}: ${error instanceof ImageError ? error.message : describeStreamError(error)}`, { file });
  }
}

function truncated(layer: LayerSource): ImageError {
  return new ContentReadError(`layer ${layer.name}: ended before the file data (truncated)`);
}

function sliceOf(whole: Buffer, range: LayerRange, layer: LayerSource): Buffer {
  if (range.offset + range.size > whole.length) throw truncated(layer);
  return whole.subarray(range.offset, range.offset + range.size);
}

async function collect(stream: AsyncIterable<Buffer> | Buffer[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * One inflating pass over a gzip layer, collecting the slices. With `keepUpTo` > 0 the pass also keeps every
 * inflated byte and, if the whole layer fits in `keepUpTo`, reads to the end and returns it as `whole`;
 * otherwise it stops after the last slice.
 */
async function inflateRanges(layer: LayerSource, ranges: readonly LayerRange[], keepUpTo: number): Promise<{ buffers: Buffer[]; whole?: Buffer }> {
  const order = ranges.map((_, index) => index).sort((a, b) => ranges[a].offset - ranges[b].offset);
  const parts: Buffer[][] = ranges.map(() => []);
  const last = Math.max(...ranges.map((range) => range.offset + range.size));
  let kept: Buffer[] | undefined = keepUpTo > 0 ? [] : undefined;
  let position = 0;
  let cursor = 0;
  const source = layer.open();
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const chunkEnd = position + chunk.length;
      // Ranges may overlap (hardlinks share bytes), so every range that touches this chunk takes its part.
      for (let k = cursor; k < order.length; k += 1) {
        const range = ranges[order[k]];
        if (range.offset >= chunkEnd) break;
        const start = Math.max(range.offset, position);
        const end = Math.min(range.offset + range.size, chunkEnd);
        if (end > start) parts[order[k]].push(chunk.subarray(start - position, end - position));
      }
      while (cursor < order.length && ranges[order[cursor]].offset + ranges[order[cursor]].size <= chunkEnd) cursor += 1;
      position = chunkEnd;
      if (kept && position > keepUpTo) kept = undefined;
      kept?.push(chunk);
      if (!kept && position >= last) break;
    }
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (position < last) throw truncated(layer);
  return { buffers: parts.map((chunks) => Buffer.concat(chunks)), whole: kept && Buffer.concat(kept, position) };
}
