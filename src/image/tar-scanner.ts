/**
 * Finding every entry header of a layer tar whose bytes are pushed in chunks, in the same pass that hashes
 * them (layer-scan-worker.ts): each header says how much data follows, so the scan jumps over file contents
 * by offset arithmetic and only looks at header blocks. A header or an extended record (PAX, GNU long name)
 * that straddles two chunks is carried over. PAX and GNU long-name records are applied as tar-stream applies
 * them, so a layer gives the same entries whichever reader saw it (layer-stream.ts streams the layers that
 * are not in a host file).
 */
import type { FileType, LayerEntry } from '../tree/types';
import {
  BLOCK,
  MAX_EXTENDED_HEADER_BYTES,
  decodeHeader,
  hasNoData,
  isZeroBlock,
  longNameRecord,
  paxRecords,
  paxXattrs,
  type RawHeader,
} from './tar-header';

/** Typeflags as the merge sees them; anything else (GNU sparse, volume labels…) is read as a regular file, as tar-stream does. */
const FILE_TYPES: Record<string, FileType> = {
  '0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  '7': 'file',
};

const TRUNCATED = 'truncated tar (unexpected end of data)';

/** An extended record (typeflag x, g, L or K) whose data is being collected. */
interface ExtendedRecord {
  typeflag: string;
  data: Buffer;
  filled: number;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/**
 * Push the layer's uncompressed bytes with `push`, in order, then call `end`. `onEntry` gets every entry with
 * its data offset; errors are thrown as Errors whose message is the short phrase of an ImageError.
 */
export class TarScanner {
  /** Stream bytes pushed so far. */
  private received = 0;
  /** Stream offset of the next header block (or of the extended record's data being collected). */
  private next = 0;
  /** End of the last entry's data; the padding after it may be missing at the very end, as tar readers allow. */
  private dataEnd = 0;
  private readonly carry = Buffer.allocUnsafe(BLOCK);
  /** Bytes of a header block that straddles two chunks, held in `carry`. */
  private carried = 0;
  private extended: ExtendedRecord | undefined;
  private pax: Record<string, string> | undefined;
  private globalPax: Record<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly onEntry: (entry: LayerEntry) => void) {}

  push(chunk: Buffer): void {
    const start = this.received;
    this.received += chunk.length;
    // A header or record that straddles chunks continues at the start of this one (`next` lies before it).
    let offset = Math.max(this.next - start, 0);
    while (offset < chunk.length) {
      const record = this.extended;
      if (record) {
        const take = Math.min(record.data.length - record.filled, chunk.length - offset);
        chunk.copy(record.data, record.filled, offset, offset + take);
        record.filled += take;
        if (record.filled < record.data.length) return;
        this.extended = undefined;
        this.applyExtended(record);
        this.next += padded(record.data.length);
        offset = this.next - start;
        continue;
      }
      let block: Buffer;
      if (this.carried > 0 || offset + BLOCK > chunk.length) {
        const take = Math.min(BLOCK - this.carried, chunk.length - offset);
        chunk.copy(this.carry, this.carried, offset, offset + take);
        this.carried += take;
        if (this.carried < BLOCK) return;
        this.carried = 0;
        block = this.carry;
      } else {
        block = chunk.subarray(offset, offset + BLOCK);
      }
      this.header(block);
      offset = this.next - start;
    }
  }

  /** Checks that the stream did not stop inside a header, an extended record or an entry's data. */
  end(): void {
    const partialRecord = this.extended !== undefined && this.extended.filled < this.extended.data.length;
    if (this.carried > 0 || partialRecord || this.received < this.dataEnd) throw new Error(TRUNCATED);
  }

  /** Handles the header block at `this.next` and moves `this.next` past what it announces. */
  private header(block: Buffer): void {
    const position = this.next;
    if (isZeroBlock(block)) {
      this.next += BLOCK;
      return;
    }
    const raw = decodeHeader(block);
    if (raw === 'checksum' || raw === 'format') throw new Error(`not a tar (invalid tar header at byte ${position})`);
    const dataStart = position + BLOCK;
    if (raw.typeflag === 'x' || raw.typeflag === 'g' || raw.typeflag === 'L' || raw.typeflag === 'K') {
      if (raw.size > MAX_EXTENDED_HEADER_BYTES) throw new Error(`not a tar (extended header of ${raw.size} bytes)`);
      this.extended = { typeflag: raw.typeflag, data: Buffer.allocUnsafe(raw.size), filled: 0 };
      this.next = dataStart;
      return;
    }
    const entry = this.toEntry(raw, dataStart);
    this.longName = this.longLink = this.pax = undefined;
    if (!(entry.size >= 0) || !Number.isSafeInteger(entry.size)) throw new Error(`not a tar (invalid size at byte ${position})`);
    const dataSize = hasNoData(raw.typeflag) ? 0 : entry.size;
    this.onEntry(entry);
    this.dataEnd = dataStart + dataSize;
    this.next = dataStart + padded(dataSize);
  }

  private applyExtended(record: ExtendedRecord): void {
    if (record.typeflag === 'x') this.pax = { ...this.globalPax, ...paxRecords(record.data) };
    else if (record.typeflag === 'g') this.globalPax = paxRecords(record.data);
    else if (record.typeflag === 'L') this.longName = longNameRecord(record.data);
    else this.longLink = longNameRecord(record.data);
  }

  private toEntry(raw: RawHeader, offset: number): LayerEntry {
    const type = FILE_TYPES[raw.typeflag] ?? 'file';
    const pax = this.pax;
    // An empty PAX path, linkpath or size is no override (tar-stream tests them for truthiness).
    const entry: LayerEntry = {
      name: pax?.path || (this.longName ?? raw.name),
      type,
      mode: raw.mode,
      uid: raw.uid,
      gid: raw.gid,
      size: pax?.size ? parseInt(pax.size, 10) : raw.size,
      mtime: raw.mtime,
      offset,
    };
    const linkName = pax?.linkpath || (this.longLink ?? raw.linkname);
    if (linkName) entry.linkName = linkName;
    if (type === 'char' || type === 'block') {
      entry.devMajor = raw.devmajor;
      entry.devMinor = raw.devminor;
    }
    const xattrs = pax && paxXattrs(pax);
    if (xattrs) entry.xattrs = xattrs;
    return entry;
  }
}
