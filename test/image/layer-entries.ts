/**
 * A layer's entries as the layer scan hands them over (TarScanner's batches, for bytes pushed in given chunks) and
 * as tar-stream reads them: the scan must not differ from tar-stream, however the bytes arrive.
 */
import * as tar from 'tar-stream';
import { readEntries, type EntryBatch } from '../../src/image/entry-batch';
import { TarScanner } from '../../src/image/tar-scanner';
import type { FileType, LayerEntry } from '../../src/tree/types';

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

const TAR_STREAM_TYPES: Record<string, FileType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

/** A tar-stream header as the scanner's entry: an independent reading of the same layer (for UTF-8 names). */
function fromTarStream(header: tar.Header): LayerEntry {
  const type = TAR_STREAM_TYPES[header.type ?? 'file'];
  const entry: LayerEntry = {
    name: header.name,
    type,
    mode: header.mode ?? 0,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    size: header.size ?? 0,
    mtime: header.mtime ? Math.floor(header.mtime.getTime() / 1000) : 0,
    offset: (header as { byteOffset?: number }).byteOffset ?? 0,
  };
  if (header.linkname) entry.linkName = header.linkname;
  if (type === 'char' || type === 'block') Object.assign(entry, { devMajor: header.devmajor ?? 0, devMinor: header.devminor ?? 0 });
  const xattrs = Object.entries((header.pax as Record<string, string> | null) ?? {}).filter(([key]) => key.startsWith('SCHILY.xattr.'));
  if (xattrs.length > 0) entry.xattrs = Object.fromEntries(xattrs.map(([key, value]) => [key.slice('SCHILY.xattr.'.length), value]));
  return entry;
}

export async function viaTarStream(bytes: Buffer): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    entries.push(fromTarStream(header));
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
