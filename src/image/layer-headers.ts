/**
 * Walking the headers of an uncompressed layer that lies in a host file, by position: each header says how
 * much data follows, so the walk jumps over file contents instead of reading them. Streaming the layer
 * through tar-stream cost seconds per GB of copying and per-entry stream objects; this reads a few KB per
 * entry. The layer's digests are checked separately, on a worker (digest-worker.ts), which does read it all.
 *
 * Reads are synchronous `pread`s into one reused window (headers of small files sit close together, so one
 * read often covers several), and the walk yields to the event loop now and then so progress output lives.
 */
import * as fs from 'node:fs';
import type { TarHeader } from './member-store';
import type { HostRange } from './source';
import {
  BLOCK,
  MAX_EXTENDED_HEADER_BYTES,
  decodeHeader,
  hasNoData,
  isZeroBlock,
  longNameRecord,
  paxRecords,
  type RawHeader,
} from './tar-header';

/**
 * Bytes read per window, adapted as the walk goes: headers of small files lie close together and one large
 * read (a memory copy from the page cache) serves many of them, while between large files most of a large
 * window would be copied for nothing. A window that served several headers doubles the next, one that served
 * a single header halves it.
 */
const MIN_WINDOW_BYTES = 4 * 1024;
const MAX_WINDOW_BYTES = 1024 * 1024;
/** Headers handled between two yields to the event loop. */
const HEADERS_PER_SLICE = 4096;

/** tar-stream's names for typeflags, so both readers hand the merge the same header shape. */
const TYPE_NAMES: Record<string, TarHeader['type']> = {
  '0': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  '7': 'contiguous-file',
};

/** Positional reads of one byte range of a host file through a reused window. */
class WindowedReader {
  private readonly window = Buffer.allocUnsafe(MAX_WINDOW_BYTES);
  private windowStart = 0;
  private windowLength = 0;
  private windowSize = MIN_WINDOW_BYTES * 4;
  private served = 0;

  constructor(
    private readonly fd: number,
    private readonly base: number,
  ) {}

  /** The 512-byte block at `position` (relative to the range), valid until the next call. */
  block(position: number): Buffer {
    if (position < this.windowStart || position + BLOCK > this.windowStart + this.windowLength) {
      if (this.served > 4) this.windowSize = Math.min(this.windowSize * 2, MAX_WINDOW_BYTES);
      else if (this.served <= 1) this.windowSize = Math.max(this.windowSize / 2, MIN_WINDOW_BYTES);
      this.served = 0;
      this.windowLength = fs.readSync(this.fd, this.window, 0, this.windowSize, this.base + position);
      this.windowStart = position;
      if (this.windowLength < BLOCK) throw new Error('truncated tar (unexpected end of data)');
    }
    this.served += 1;
    const offset = position - this.windowStart;
    return this.window.subarray(offset, offset + BLOCK);
  }

  /** `size` bytes at `position`, in a buffer of their own. */
  bytes(position: number, size: number): Buffer {
    const data = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const read = fs.readSync(this.fd, data, done, size - done, this.base + position + done);
      if (read === 0) throw new Error('truncated tar (unexpected end of data)');
      done += read;
    }
    return data;
  }
}

/**
 * Calls `onHeader` for every entry header of the tar stored in `range`, with PAX and GNU long-name records
 * applied as tar-stream applies them. Throws an Error whose message is the short phrase for an ImageError.
 */
export async function walkLayerHeaders(range: HostRange, onHeader: (header: TarHeader) => void): Promise<void> {
  const fd = fs.openSync(range.file, 'r');
  try {
    const reader = new WindowedReader(fd, range.start);
    let position = 0;
    let pax: Record<string, string> | undefined;
    let globalPax: Record<string, string> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    let sinceYield = 0;
    while (position < range.size) {
      if (position + BLOCK > range.size) throw new Error('truncated tar (unexpected end of data)');
      const block = reader.block(position);
      if (isZeroBlock(block)) {
        position += BLOCK;
        continue;
      }
      const raw = decodeHeader(block);
      if (raw === 'checksum' || raw === 'format') throw new Error(`not a tar (invalid tar header at byte ${position})`);
      const dataStart = position + BLOCK;
      if (raw.typeflag === 'x' || raw.typeflag === 'g' || raw.typeflag === 'L' || raw.typeflag === 'K') {
        if (raw.size > MAX_EXTENDED_HEADER_BYTES) throw new Error(`not a tar (extended header of ${raw.size} bytes)`);
        if (dataStart + raw.size > range.size) throw new Error('truncated tar (unexpected end of data)');
        const data = reader.bytes(dataStart, raw.size);
        if (raw.typeflag === 'x') pax = { ...globalPax, ...paxRecords(data) };
        else if (raw.typeflag === 'g') globalPax = paxRecords(data);
        else if (raw.typeflag === 'L') longName = longNameRecord(data);
        else longLink = longNameRecord(data);
        position = dataStart + Math.ceil(raw.size / BLOCK) * BLOCK;
        continue;
      }
      const header = toTarHeader(raw, dataStart, longName, longLink, pax);
      longName = longLink = pax = undefined;
      if (!(header.size! >= 0) || !Number.isSafeInteger(header.size)) throw new Error(`not a tar (invalid size at byte ${position})`);
      const dataSize = hasNoData(raw.typeflag) ? 0 : header.size!;
      if (dataStart + dataSize > range.size) throw new Error('truncated tar (unexpected end of data)');
      onHeader(header);
      position = dataStart + Math.ceil(dataSize / BLOCK) * BLOCK;
      sinceYield += 1;
      if (sinceYield === HEADERS_PER_SLICE) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

function toTarHeader(
  raw: RawHeader,
  byteOffset: number,
  longName: string | undefined,
  longLink: string | undefined,
  pax: Record<string, string> | undefined,
): TarHeader {
  const header: TarHeader = {
    name: longName ?? raw.name,
    mode: raw.mode,
    uid: raw.uid,
    gid: raw.gid,
    size: raw.size,
    mtime: new Date(raw.mtime * 1000),
    type: TYPE_NAMES[raw.typeflag] ?? null,
    linkname: longLink ?? raw.linkname ?? '',
    devmajor: raw.devmajor,
    devminor: raw.devminor,
    // Owner names are not decoded: the merged tree keeps numeric ids only, as the runtime does.
    uname: '',
    gname: '',
    byteOffset,
  };
  if (pax) {
    if (pax.path) header.name = pax.path;
    if (pax.linkpath) header.linkname = pax.linkpath;
    if (pax.size) header.size = parseInt(pax.size, 10);
    (header as { pax?: Record<string, string> }).pax = pax;
  }
  return header;
}
