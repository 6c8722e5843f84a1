/**
 * Finding and decoding every header of a layer tar whose bytes are pushed in chunks, in the same pass that
 * hashes them (layer-scan-job.ts): each header says how much data follows, so the scan jumps over file
 * contents by offset arithmetic and only looks at header blocks. It checks each header (checksum, format,
 * size), applies PAX and GNU long-name records as Go's archive/tar does (the engines extract layers with it), and
 * writes each entry, its name and link target as bytes, into batches (entry-batch.ts) for the merge. A header or
 * record that straddles two chunks is carried over. Layers that are not in a host file are streamed through the
 * same scanner (layer-stream.ts), so every layer is read by one decoder.
 */
import { DEV_MAJOR, DEV_MINOR, EntryBatchWriter, GID, MODE, MTIME, OFFSET, SIZE, TYPE, TYPE_CODE, UID, type EntryBatch } from './entry-batch';
import {
  BLOCK,
  MAX_EXTENDED_HEADER_BYTES,
  fieldEnd,
  EMPTY_BLOCK_SUM,
  headerChecksum,
  headerProblem,
  isOldStyleDirectory,
  isPosixUstar,
  longNameRecord,
  nameFieldEnd,
  padded,
  paxOverride,
  paxRecords,
  paxXattrs,
  tarNumber,
  TRUNCATED_TAR,
  wordsOf,
} from './tar-header';

const PAX_HEADER = 0x78; // 'x'
const PAX_GLOBAL = 0x67; // 'g'
const GNU_LONG_NAME = 0x4c; // 'L'
const GNU_LONG_LINK = 0x4b; // 'K'

const FILE = TYPE_CODE.file;
const DIR = TYPE_CODE.dir;

/**
 * Type codes by typeflag byte; anything else (GNU sparse, volume labels…) is read as a regular file, as Go's
 * archive/tar and tar-stream do. NUL is settled per header (an old tar marks directories by a trailing slash).
 */
const TYPE_BY_FLAG: (number | undefined)[] = [];
TYPE_BY_FLAG[0x31] = TYPE_CODE.hardlink;
TYPE_BY_FLAG[0x32] = TYPE_CODE.symlink;
TYPE_BY_FLAG[0x33] = TYPE_CODE.char;
TYPE_BY_FLAG[0x34] = TYPE_CODE.block;
TYPE_BY_FLAG[0x35] = DIR;
TYPE_BY_FLAG[0x36] = TYPE_CODE.fifo;
TYPE_BY_FLAG[0x37] = FILE;

/**
 * Whether an entry of typeflag `flag` has `size` bytes of data after its header. Go's archive/tar (which
 * containerd and moby apply layers with) reads none for links, devices, directories and FIFOs even when the
 * size field is not zero, and reads them for every other typeflag (an old-style NUL directory included).
 */
function hasData(flag: number): boolean {
  return flag < 0x31 || flag > 0x36;
}

/** An extended record (typeflag x, g, L or K) whose data is being collected. */
interface ExtendedRecord {
  flag: number;
  data: Buffer;
  filled: number;
}

/** Copies `bytes[from, to)` into `target` at `into`; returns where the copy ends. Names are short: a loop beats a view. */
function copyBytes(bytes: Uint8Array, from: number, to: number, target: Uint8Array, into: number): number {
  for (let i = from; i < to; i += 1) target[into++] = bytes[i];
  return into;
}

/**
 * Push the layer's uncompressed bytes with `push`, in order, then call `end`, which hands over the last
 * batch. Errors are thrown as Errors whose message is the short phrase of an ImageError.
 */
export class TarScanner {
  /** Stream bytes pushed so far. */
  private received = 0;
  /** Stream offset of the next header block (or of the extended record's data being collected). */
  private next = 0;
  /** End of the last entry's data; the padding after it may be missing at the very end, as tar readers allow. */
  private dataEnd = 0;
  private readonly carry = Buffer.alloc(BLOCK);
  private readonly carryWords = wordsOf(this.carry);
  /** Bytes of a header block that straddles two chunks, held in `carry`. */
  private carried = 0;
  private extended: ExtendedRecord | undefined;
  /** The PAX records in force for the next entry (the global ones merged in), and the global ones. */
  private pax: Record<string, Buffer> | undefined;
  private globalPax: Record<string, Buffer> | undefined;
  /** GNU long name and long link target for the next entry, as bytes. */
  private longName: Buffer | undefined;
  private longLink: Buffer | undefined;
  private readonly batches: EntryBatchWriter;

  constructor(onBatch: (batch: EntryBatch) => void) {
    this.batches = new EntryBatchWriter(onBatch);
  }

  push(chunk: Buffer): void {
    const start = this.received;
    this.received += chunk.length;
    let words: Int32Array | undefined;
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
      if (this.carried > 0 || offset + BLOCK > chunk.length) {
        const take = Math.min(BLOCK - this.carried, chunk.length - offset);
        chunk.copy(this.carry, this.carried, offset, offset + take);
        this.carried += take;
        if (this.carried < BLOCK) return;
        this.carried = 0;
        this.header(this.carry, 0, this.carryWords);
      } else {
        words ??= wordsOf(chunk);
        this.header(chunk, offset, words);
      }
      offset = this.next - start;
    }
  }

  /** Checks that the stream did not stop inside a header, an extended record or an entry's data. */
  end(): void {
    if (this.carried > 0 || this.extended !== undefined || this.received < this.dataEnd) throw new Error(TRUNCATED_TAR);
    this.batches.take();
  }

  /**
   * Handles the header block at `this.next`, found at `at` in `bytes` (`words`: see headerChecksum), and moves
   * `this.next` past it and what it announces.
   */
  private header(bytes: Buffer, at: number, words: Int32Array | undefined): void {
    const position = this.next;
    const sum = headerChecksum(bytes, at, words);
    // An all-zero block (the end of the archive, or padding after it) sums to the eight spaces the checksum field
    // counts as, with a zero checksum field. Telling it apart by arithmetic that every block runs, and letting it
    // fall through to the same store, keeps this function free of code only a layer's last blocks reach: V8
    // would recompile it on every thread when the first layer ends.
    const checksumField =
      bytes[at + 148] | bytes[at + 149] | bytes[at + 150] | bytes[at + 151] | bytes[at + 152] | bytes[at + 153] | bytes[at + 154] | bytes[at + 155];
    let skip = 0;
    if (((sum - EMPTY_BLOCK_SUM) | checksumField) !== 0) skip = this.entryOrRecord(bytes, at, position, sum);
    this.next = position + BLOCK + skip;
  }

  /**
   * Handles the non-zero header block at `position` (at `at` in `bytes`, its checksum sum `sum`): an extended
   * record starts being collected, an entry goes into the batch. Returns the bytes of data to skip after it.
   */
  private entryOrRecord(bytes: Buffer, at: number, position: number, sum: number): number {
    if (headerProblem(bytes, at, sum)) throw new Error(`not a tar (invalid tar header at byte ${position})`);
    const flag = bytes[at + 156];
    const size = tarNumber(bytes, at + 124, 12);
    const dataStart = position + BLOCK;
    if (flag === PAX_HEADER || flag === PAX_GLOBAL || flag === GNU_LONG_NAME || flag === GNU_LONG_LINK) {
      if (size > MAX_EXTENDED_HEADER_BYTES) throw new Error(`not a tar (extended header of ${size} bytes)`);
      const record = { flag, data: Buffer.allocUnsafe(size), filled: 0 };
      if (size > 0) this.extended = record;
      else this.applyExtended(record);
      return 0;
    }
    const pax = this.pax;
    const paxSize = paxOverride(pax, 'size');
    const entrySize = paxSize ? parseInt(paxSize.toString('latin1'), 10) : size;
    if (!(entrySize >= 0) || !Number.isSafeInteger(entrySize)) throw new Error(`not a tar (invalid size at byte ${position})`);
    this.addEntry(bytes, at, flag, entrySize, dataStart, pax);
    this.pax = this.longName = this.longLink = undefined;
    const dataSize = hasData(flag) ? entrySize : 0;
    this.dataEnd = dataStart + dataSize;
    return padded(dataSize);
  }

  /** Writes the entry of the header at `at` into the batch. */
  private addEntry(bytes: Buffer, at: number, flag: number, size: number, offset: number, pax: Record<string, Buffer> | undefined): void {
    const posix = isPosixUstar(bytes, at);
    const nameEnd = nameFieldEnd(bytes, at);
    // A PAX path replaces the ustar name and prefix entirely, and so does a GNU long name when there is no PAX
    // path; likewise for the link target.
    const longName = paxOverride(pax, 'path') ?? this.longName;
    const longLink = paxOverride(pax, 'linkpath') ?? this.longLink;
    // The POSIX prefix field holds the leading directories of a name over 100 bytes.
    const prefixEnd = longName === undefined && posix && bytes[at + 345] !== 0 ? fieldEnd(bytes, at + 345, 155) : 0;
    const linkEnd = longLink === undefined ? fieldEnd(bytes, at + 157, 100) : 0;
    const textBytes =
      (longName === undefined ? nameEnd - at + (prefixEnd > 0 ? prefixEnd - (at + 345) + 1 : 0) : longName.length) +
      (longLink === undefined ? linkEnd - (at + 157) : longLink.length);
    const batches = this.batches;
    batches.reserve(textBytes);
    const text = batches.text();
    let end = batches.textEnd();
    const nameStart = end;
    if (longName !== undefined) end = copyBytes(longName, 0, longName.length, text, end);
    else {
      if (prefixEnd > 0) {
        end = copyBytes(bytes, at + 345, prefixEnd, text, end);
        text[end++] = 0x2f; // '/'
      }
      end = copyBytes(bytes, at, nameEnd, text, end);
    }
    const nameTextEnd = end;
    const type = TYPE_BY_FLAG[flag] ?? (isOldStyleDirectory(flag, end > nameStart ? text[end - 1] : undefined) ? DIR : FILE);
    if (longLink !== undefined) end = copyBytes(longLink, 0, longLink.length, text, end);
    else end = copyBytes(bytes, at + 157, linkEnd, text, end);
    const fields = batches.numbers();
    const index = batches.add(nameTextEnd, end, pax && paxXattrs(pax));
    fields[index + TYPE] = type;
    fields[index + MODE] = tarNumber(bytes, at + 100, 8);
    fields[index + UID] = tarNumber(bytes, at + 108, 8);
    fields[index + GID] = tarNumber(bytes, at + 116, 8);
    fields[index + SIZE] = size;
    fields[index + MTIME] = tarNumber(bytes, at + 136, 12);
    fields[index + OFFSET] = offset;
    if (type === TYPE_CODE.char || type === TYPE_CODE.block) {
      fields[index + DEV_MAJOR] = tarNumber(bytes, at + 329, 8);
      fields[index + DEV_MINOR] = tarNumber(bytes, at + 337, 8);
    }
  }

  private applyExtended(record: ExtendedRecord): void {
    const { flag, data } = record;
    if (flag === PAX_HEADER) this.pax = { ...this.globalPax, ...paxRecords(data) };
    else if (flag === PAX_GLOBAL) this.globalPax = paxRecords(data);
    else if (flag === GNU_LONG_NAME) this.longName = longNameRecord(data);
    else this.longLink = longNameRecord(data);
  }
}
