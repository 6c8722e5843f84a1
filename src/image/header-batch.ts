/**
 * Layer entries packed for the trip from a scanning worker to the merge: a structured clone of 100k small
 * objects costs more than the scan that found them, so a batch is one Float64Array of numeric fields (moved,
 * not copied, with postMessage's transfer list) and one string holding every name, link target and xattr set
 * end to end, cut apart again by the lengths the numbers give.
 */
import type { FileType, LayerEntry } from '../tree/types';

/** Entries per batch: large enough that messages are few, small enough that the merge starts early. */
export const BATCH_ENTRIES = 4096;

const FILE_TYPES: FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'socket'];
const TYPE_CODES = new Map(FILE_TYPES.map((type, code) => [type, code]));

/** Per entry: type code, mode, uid, gid, size, mtime, offset, device major, device minor, then the text lengths. */
const FIELDS = 12;

/** Packed entries, as posted. */
export interface HeaderBatch {
  count: number;
  numbers: Float64Array;
  text: string;
}

/** Collects entries until a batch is full; `take` hands the batch over and starts the next. */
export class HeaderBatchWriter {
  private numbers = new Float64Array(BATCH_ENTRIES * FIELDS);
  private texts: string[] = [];
  private count = 0;

  get full(): boolean {
    return this.count === BATCH_ENTRIES;
  }

  add(entry: LayerEntry): void {
    const base = this.count * FIELDS;
    const numbers = this.numbers;
    const linkName = entry.linkName ?? '';
    // JSON round-trips any string a PAX value can decode to; most entries have no xattrs and add nothing.
    const xattrs = entry.xattrs ? JSON.stringify(entry.xattrs) : '';
    numbers[base] = TYPE_CODES.get(entry.type) as number;
    numbers[base + 1] = entry.mode;
    numbers[base + 2] = entry.uid;
    numbers[base + 3] = entry.gid;
    numbers[base + 4] = entry.size;
    numbers[base + 5] = entry.mtime;
    numbers[base + 6] = entry.offset;
    // NaN marks a device number the entry does not have (only char and block devices carry them).
    numbers[base + 7] = entry.devMajor ?? NaN;
    numbers[base + 8] = entry.devMinor ?? NaN;
    numbers[base + 9] = entry.name.length;
    numbers[base + 10] = linkName.length;
    numbers[base + 11] = xattrs.length;
    this.texts.push(entry.name, linkName, xattrs);
    this.count += 1;
  }

  /** The entries added since the last take, or undefined when there are none. */
  take(): HeaderBatch | undefined {
    if (this.count === 0) return undefined;
    const batch = { count: this.count, numbers: this.numbers.subarray(0, this.count * FIELDS), text: this.texts.join('') };
    this.numbers = new Float64Array(BATCH_ENTRIES * FIELDS);
    this.texts = [];
    this.count = 0;
    return batch;
  }
}

/** Calls `onEntry` for each entry of a batch, in the order they were added. */
export function unpackHeaderBatch(batch: HeaderBatch, onEntry: (entry: LayerEntry) => void): void {
  const { numbers, text } = batch;
  let cursor = 0;
  const cut = (length: number): string => text.slice(cursor, (cursor += length));
  for (let base = 0; base < batch.count * FIELDS; base += FIELDS) {
    const entry: LayerEntry = {
      name: cut(numbers[base + 9]),
      type: FILE_TYPES[numbers[base]],
      mode: numbers[base + 1],
      uid: numbers[base + 2],
      gid: numbers[base + 3],
      size: numbers[base + 4],
      mtime: numbers[base + 5],
      offset: numbers[base + 6],
    };
    const linkName = cut(numbers[base + 10]);
    if (linkName) entry.linkName = linkName;
    const xattrs = cut(numbers[base + 11]);
    if (xattrs) entry.xattrs = JSON.parse(xattrs) as Record<string, string>;
    if (!Number.isNaN(numbers[base + 7])) entry.devMajor = numbers[base + 7];
    if (!Number.isNaN(numbers[base + 8])) entry.devMinor = numbers[base + 8];
    onEntry(entry);
  }
}
