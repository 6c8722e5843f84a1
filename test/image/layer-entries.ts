/**
 * A layer's entries as the layer scan hands them over (TarScanner's batches, for bytes pushed in given chunks) and
 * as tar-stream reads them: the scan must not differ from tar-stream, however the bytes arrive.
 */
import * as tar from 'tar-stream';
import { readEntries, type EntryBatch } from '../../src/image/entry-batch';
import { toLayerEntry } from '../../src/image/layer-stream';
import type { TarHeader } from '../../src/image/member-store';
import { TarScanner } from '../../src/image/tar-scanner';
import type { LayerEntry } from '../../src/tree/types';

/** Scans `bytes` pushed in pieces that end at `cuts`, and reads the entries of the batches the scan hands over. */
export function scanAt(bytes: Buffer, cuts: number[]): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.push(bytes.subarray(start, cut));
    start = cut;
  }
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

export function scan(bytes: Buffer, chunkSize: number): LayerEntry[] {
  const cuts: number[] = [];
  for (let cut = chunkSize; cut < bytes.length; cut += chunkSize) cuts.push(cut);
  return scanAt(bytes, cuts);
}

export async function viaTarStream(bytes: Buffer): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const entry = toLayerEntry(header as TarHeader, (message) => {
      throw new Error(message);
    });
    if (entry) entries.push(entry);
    stream.on('end', () => next());
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve());
    extract.on('error', reject);
  });
  extract.end(bytes);
  await done;
  return entries;
}
