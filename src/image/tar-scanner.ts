/**
 * Finding every header block of a layer tar whose bytes are pushed in chunks, in the same pass that hashes
 * them (layer-scan-worker.ts): each header says how much data follows, so the scan jumps over file contents
 * by offset arithmetic and only looks at header blocks. It checks each header (checksum, format, size) and
 * copies it, with the data of PAX and GNU long-name records, into batches (header-batch.ts) for the merge to
 * decode (header-decoder.ts). A header or record that straddles two chunks is carried over.
 */
import { HeaderBatchWriter, padded, type HeaderBatch } from './header-batch';
import {
  BLOCK,
  MAX_EXTENDED_HEADER_BYTES,
  hasNoData,
  headerProblem,
  headerTypeflag,
  isZeroBlock,
  paxRecords,
  tarNumber,
  TRUNCATED_TAR,
  wordsOf,
} from './tar-header';

/** An extended record (typeflag x, g, L or K) whose data is being copied into the batch. */
interface ExtendedRecord {
  typeflag: string;
  size: number;
  /** Where the data goes in the batch's array. */
  at: number;
  filled: number;
}

/**
 * Push the layer's uncompressed bytes with `push`, in order, then call `end`, which hands over the last
 * batch. Errors are thrown as Errors whose message is the short phrase of an ImageError. Every block handed
 * over has been checked, so the decoder can trust it.
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
  /**
   * The PAX records in force for the next entry, and the global ones: only their `size` matters here (it says
   * where the next header is), applied as the decoder applies them.
   */
  private pax: Record<string, string> | undefined;
  private globalPax: Record<string, string> | undefined;
  private readonly batches: HeaderBatchWriter;

  constructor(onBatch: (batch: HeaderBatch) => void) {
    this.batches = new HeaderBatchWriter(onBatch);
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
        const take = Math.min(record.size - record.filled, chunk.length - offset);
        this.batches.target().set(chunk.subarray(offset, offset + take), record.at + record.filled);
        record.filled += take;
        if (record.filled < record.size) return;
        this.extended = undefined;
        this.applyExtended(record);
        this.next += padded(record.size);
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
   * `this.next` past what it announces.
   */
  private header(bytes: Buffer, at: number, words: Int32Array | undefined): void {
    const position = this.next;
    if (isZeroBlock(bytes, at)) {
      this.next += BLOCK;
      return;
    }
    if (headerProblem(bytes, at, words)) throw new Error(`not a tar (invalid tar header at byte ${position})`);
    const typeflag = headerTypeflag(bytes, at);
    const size = tarNumber(bytes, at + 124, 12);
    const dataStart = position + BLOCK;
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_EXTENDED_HEADER_BYTES) throw new Error(`not a tar (extended header of ${size} bytes)`);
      const record = { typeflag, size, at: this.batches.addHeader(bytes, at, position, padded(size)), filled: 0 };
      this.next = dataStart;
      if (size > 0) this.extended = record;
      else this.applyExtended(record);
      return;
    }
    // An empty PAX size is no override (tar-stream tests it for truthiness).
    const entrySize = this.pax?.size ? parseInt(this.pax.size, 10) : size;
    this.pax = undefined;
    if (!(entrySize >= 0) || !Number.isSafeInteger(entrySize)) throw new Error(`not a tar (invalid size at byte ${position})`);
    this.batches.addHeader(bytes, at, position);
    const dataSize = hasNoData(typeflag) ? 0 : entrySize;
    this.dataEnd = dataStart + dataSize;
    this.next = dataStart + padded(dataSize);
  }

  private applyExtended(record: ExtendedRecord): void {
    if (record.typeflag !== 'x' && record.typeflag !== 'g') return;
    const target = this.batches.target();
    const records = paxRecords(Buffer.from(target.buffer, target.byteOffset + record.at, record.size));
    if (record.typeflag === 'x') this.pax = { ...this.globalPax, ...records };
    else this.globalPax = records;
  }
}
