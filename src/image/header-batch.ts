/**
 * A layer's header blocks on their way from the thread that hashes the layer to the merge. The scan copies
 * each header block as it is (and, after a PAX or GNU long-name header, that record's data) into one byte
 * array, moved with postMessage's transfer list rather than copied; the merge decodes them itself
 * (header-decoder.ts). Packing decoded entries instead costs more on both sides than decoding does: strings
 * to join and clone, and an object per entry on each thread.
 */
import { BLOCK } from './tar-header';

/** Header blocks per batch when none carries extended data: large enough that messages are few. */
const BATCH_BLOCKS = 2048;

/** Consecutive header blocks of one layer, in stream order. */
export interface HeaderBatch {
  /** Header blocks; an extended header is followed by its record's data, padded to whole blocks. */
  bytes: Uint8Array;
  /** Stream offset of each header block (of the header only, not of the data after an extended header). */
  positions: Float64Array;
  /** Header blocks in the batch. */
  count: number;
}

/** Rounds a byte count up to whole blocks. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Fills batches; `take` hands the current one over and starts the next. */
export class HeaderBatchWriter {
  private bytes = new Uint8Array(BATCH_BLOCKS * BLOCK);
  private positions = new Float64Array(BATCH_BLOCKS);
  private used = 0;
  private count = 0;

  /** `onBatch` gets each batch: when the next block does not fit, and at `take`. */
  constructor(private readonly onBatch: (batch: HeaderBatch) => void) {}

  /**
   * Copies the header block at `at` in `source`, found at `position` in the stream, and reserves `dataBytes`
   * (a multiple of BLOCK) after it for its extended record; returns where that space starts in `target()`.
   */
  addHeader(source: Uint8Array, at: number, position: number, dataBytes = 0): number {
    const needed = BLOCK + dataBytes;
    if (this.used + needed > this.bytes.length || this.count === this.positions.length) {
      this.take();
      if (needed > this.bytes.length) this.bytes = new Uint8Array(needed);
    }
    this.bytes.set(source.subarray(at, at + BLOCK), this.used);
    this.positions[this.count] = position;
    this.count += 1;
    this.used += needed;
    return this.used - dataBytes;
  }

  /** The array that `addHeader`'s reserved space is in, until the next `addHeader` or `take`. */
  target(): Uint8Array {
    return this.bytes;
  }

  /** Hands the blocks added since the last take to `onBatch`, if any. */
  take(): void {
    if (this.count === 0) return;
    this.onBatch({ bytes: this.bytes.subarray(0, this.used), positions: this.positions.subarray(0, this.count), count: this.count });
    this.bytes = new Uint8Array(BATCH_BLOCKS * BLOCK);
    this.positions = new Float64Array(BATCH_BLOCKS);
    this.used = 0;
    this.count = 0;
  }
}
