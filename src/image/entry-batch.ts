/**
 * A layer's entries on their way from the thread that scans the layer (tar-scanner.ts) to the merge. The scan
 * decodes each header where its bytes already are (it sums them for the checksum) and writes the entry as
 * numbers into one Float64Array and its name and link target, as the bytes they are, into one byte array; both move with
 * postMessage's transfer list rather than being copied. The merging thread then only makes the strings and
 * the entry object. It merges every layer while the other cores hash, so whatever decoding the scanning
 * threads take over shortens the longest thread. (Posting entries as objects costs more on both sides:
 * structured clone of 100k objects and strings.)
 */
import type { FileType, LayerEntry } from '../tree/types';
import { decodeName } from './name-bytes';

/** Entries per batch: large enough that messages are few. */
const BATCH_ENTRIES = 2048;

/**
 * Entries in a scan's first batch; each next one holds four times as many, up to BATCH_ENTRIES. The merge
 * starts sooner, and the code that hands a batch over has run before V8 optimizes the scan (code an optimized
 * function has never run makes V8 throw the optimized code away when it first runs).
 */
const FIRST_BATCH_ENTRIES = 32;

/** Name and link bytes per entry a batch has room for, before it is handed over early (names are ~60 bytes). */
const TEXT_BYTES_PER_ENTRY = 128;

/** Where each number of an entry is, among the FIELDS numbers the entry has in `EntryBatch.fields`. */
export const TYPE = 0;
export const MODE = 1;
export const UID = 2;
export const GID = 3;
export const SIZE = 4;
export const MTIME = 5;
/** Stream offset of the entry's data. */
export const OFFSET = 6;
/** End of the entry's name in `text`; the name starts where the previous entry's text ended (0 for the first). */
export const NAME_END = 7;
/** End of the link target in `text`, which follows the name; equal to NAME_END when the entry has none. */
export const LINK_END = 8;
export const DEV_MAJOR = 9;
export const DEV_MINOR = 10;
export const FIELDS = 11;

/** Entry types by their number in the TYPE field (a tar has no sockets). */
export const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
export const TYPE_CODE = { file: 0, dir: 1, symlink: 2, hardlink: 3, char: 4, block: 5, fifo: 6 } as const;

/** Consecutive entries of one layer, in stream order. */
export interface EntryBatch {
  count: number;
  /** FIELDS numbers per entry. */
  fields: Float64Array;
  /** Names and link targets, as bytes (decoded by name-bytes.ts on the merging thread). */
  text: Uint8Array;
  /** The extended attributes of the few entries that have them, by entry index in the batch. */
  xattrs: [number, Record<string, string>][] | undefined;
}

/**
 * Fills batches. For each entry: `reserve` room for its text, write the text at `textEnd()` into `text()`,
 * then `add` its numbers. `take` hands the current batch over and starts the next.
 */
export class EntryBatchWriter {
  private capacity = FIRST_BATCH_ENTRIES;
  private fields = new Float64Array(this.capacity * FIELDS);
  private bytes = new Uint8Array(this.capacity * TEXT_BYTES_PER_ENTRY);
  private count = 0;
  private used = 0;
  private xattrs: [number, Record<string, string>][] | undefined;

  /** `onBatch` gets each batch: when the next entry does not fit, and at `take`. */
  constructor(private readonly onBatch: (batch: EntryBatch) => void) {}

  /** Makes room for an entry with `textBytes` of name and link (a batch may be handed over first). */
  reserve(textBytes: number): void {
    if (this.count === this.capacity || this.used + textBytes > this.bytes.length) {
      this.take();
      if (textBytes > this.bytes.length) this.bytes = new Uint8Array(textBytes);
    }
  }

  /** The array the entry's text goes into, from `textEnd()` on, until `add`. */
  text(): Uint8Array {
    return this.bytes;
  }

  textEnd(): number {
    return this.used;
  }

  /**
   * Adds the entry whose name ends at `nameEnd` and link at `linkEnd` in `text()`; its other numbers are
   * written into `fields()` at the returned position before the next `reserve`.
   */
  add(nameEnd: number, linkEnd: number, xattrs: Record<string, string> | undefined): number {
    const at = this.count * FIELDS;
    this.fields[at + NAME_END] = nameEnd;
    this.fields[at + LINK_END] = linkEnd;
    if (xattrs) (this.xattrs ??= []).push([this.count, xattrs]);
    this.used = linkEnd;
    this.count += 1;
    return at;
  }

  /** The numbers of the batch being filled. */
  numbers(): Float64Array {
    return this.fields;
  }

  /** Hands the entries added since the last take to `onBatch`, if any. */
  take(): void {
    if (this.count === 0) return;
    this.onBatch({ count: this.count, fields: this.fields.subarray(0, this.count * FIELDS), text: this.bytes.subarray(0, this.used), xattrs: this.xattrs });
    this.capacity = Math.min(this.capacity * 4, BATCH_ENTRIES);
    this.fields = new Float64Array(this.capacity * FIELDS);
    this.bytes = new Uint8Array(this.capacity * TEXT_BYTES_PER_ENTRY);
    this.count = 0;
    this.used = 0;
    this.xattrs = undefined;
  }
}

/**
 * Calls `onEntry` with each entry of `batch`, in order, passing the same object every time with its fields
 * rewritten (the absent ones undefined): the merge copies what it keeps, and 100k entry objects made only to be
 * read once were a third of the garbage the merging thread collected. A caller that keeps entries uses
 * `readEntries`.
 */
export function forEachEntry(batch: EntryBatch, onEntry: (entry: LayerEntry) => void): void {
  // Batches made on this thread and batches a worker posted are objects of different shapes: read them here,
  // once per batch, so the loop over entries never sees the shape it was not optimized for.
  const text = Buffer.from(batch.text.buffer, batch.text.byteOffset, batch.text.byteLength);
  readFields(batch.count, batch.fields, text, batch.xattrs && new Map(batch.xattrs), onEntry);
}

/** Calls `onEntry` with each entry of `batch`, in order, each an object of its own without unset fields. */
export function readEntries(batch: EntryBatch, onEntry: (entry: LayerEntry) => void): void {
  forEachEntry(batch, (entry) => {
    const own = { ...entry };
    for (const key of Object.keys(own) as (keyof LayerEntry)[]) if (own[key] === undefined) delete own[key];
    onEntry(own);
  });
}

function readFields(
  count: number,
  fields: Float64Array,
  text: Buffer,
  xattrs: Map<number, Record<string, string>> | undefined,
  onEntry: (entry: LayerEntry) => void,
): void {
  const entry: LayerEntry = {
    name: '',
    type: 'file',
    mode: 0,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 0,
    offset: 0,
    linkName: undefined,
    devMajor: undefined,
    devMinor: undefined,
    xattrs: undefined,
  };
  let start = 0;
  for (let index = 0, at = 0; index < count; index += 1, at += FIELDS) {
    const nameEnd = fields[at + NAME_END];
    const linkEnd = fields[at + LINK_END];
    const type = TYPES[fields[at + TYPE]];
    const device = type === 'char' || type === 'block';
    entry.name = decodeName(text, start, nameEnd);
    entry.type = type;
    entry.mode = fields[at + MODE];
    entry.uid = fields[at + UID];
    entry.gid = fields[at + GID];
    entry.size = fields[at + SIZE];
    entry.mtime = fields[at + MTIME];
    entry.offset = fields[at + OFFSET];
    entry.linkName = linkEnd > nameEnd ? decodeName(text, nameEnd, linkEnd) : undefined;
    entry.devMajor = device ? fields[at + DEV_MAJOR] : undefined;
    entry.devMinor = device ? fields[at + DEV_MINOR] : undefined;
    entry.xattrs = xattrs?.get(index);
    start = linkEnd;
    onEntry(entry);
  }
}
