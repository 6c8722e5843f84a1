/**
 * Turning a layer's header blocks, as the scan found them (tar-scanner.ts, header-batch.ts), into the
 * entries the merge applies. PAX and GNU long-name records are applied as tar-stream applies them, so a
 * layer gives the same entries whichever reader saw it (layer-stream.ts streams the layers that are not in a
 * host file). Each header is read straight into its entry: on a 100k-entry image this runs on the thread that
 * merges, while the other cores hash, so it makes no intermediate objects and reads only the fields it uses.
 */
import type { FileType, LayerEntry } from '../tree/types';
import { padded, type HeaderBatch } from './header-batch';
import {
  BLOCK,
  headerName,
  isPosixUstar,
  longNameRecord,
  nameFieldEnd,
  paxRecords,
  paxXattrs,
  plainFileIsDirectory,
  tarNumber,
  textField,
} from './tar-header';

/**
 * Entry types by typeflag byte; anything else (GNU sparse, volume labels…) is read as a regular file, as
 * tar-stream does. '0' and NUL are settled per header (an old tar marks directories by a trailing slash).
 */
const TYPE_BY_FLAG: (FileType | undefined)[] = [];
TYPE_BY_FLAG[0x31] = 'hardlink';
TYPE_BY_FLAG[0x32] = 'symlink';
TYPE_BY_FLAG[0x33] = 'char';
TYPE_BY_FLAG[0x34] = 'block';
TYPE_BY_FLAG[0x35] = 'dir';
TYPE_BY_FLAG[0x36] = 'fifo';
TYPE_BY_FLAG[0x37] = 'file';

const PAX_HEADER = 0x78; // 'x'
const PAX_GLOBAL = 0x67; // 'g'
const GNU_LONG_NAME = 0x4c; // 'L'
const GNU_LONG_LINK = 0x4b; // 'K'

/** Decodes one layer's batches, in order: PAX and long-name records carry over from one batch to the next. */
export class HeaderDecoder {
  private pax: Record<string, string> | undefined;
  private globalPax: Record<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  /** Calls `onEntry` for each entry of the batch, in stream order. */
  decode(batch: HeaderBatch, onEntry: (entry: LayerEntry) => void): void {
    const bytes = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.length);
    let at = 0;
    for (let index = 0; index < batch.count; index += 1) {
      // The scan checked every block it handed over (checksum, format, sizes).
      const flag = bytes[at + 156];
      if (flag === PAX_HEADER || flag === PAX_GLOBAL || flag === GNU_LONG_NAME || flag === GNU_LONG_LINK) {
        const size = tarNumber(bytes, at + 124, 12);
        const data = bytes.subarray(at + BLOCK, at + BLOCK + size);
        at += BLOCK + padded(size);
        if (flag === PAX_HEADER) this.pax = { ...this.globalPax, ...paxRecords(data) };
        else if (flag === PAX_GLOBAL) this.globalPax = paxRecords(data);
        else if (flag === GNU_LONG_NAME) this.longName = longNameRecord(data);
        else this.longLink = longNameRecord(data);
        continue;
      }
      const entry = this.toEntry(bytes, at, flag, batch.positions[index] + BLOCK);
      at += BLOCK;
      this.longName = this.longLink = this.pax = undefined;
      onEntry(entry);
    }
  }

  /** The entry of the header at `at` (typeflag byte `flag`), whose data starts at stream offset `offset`. */
  private toEntry(bytes: Buffer, at: number, flag: number, offset: number): LayerEntry {
    const posix = isPosixUstar(bytes, at);
    const nameEnd = nameFieldEnd(bytes, at);
    const type = flag === 0 || flag === 0x30 ? (plainFileIsDirectory(bytes, at, nameEnd, posix) ? 'dir' : 'file') : (TYPE_BY_FLAG[flag] ?? 'file');
    const pax = this.pax;
    // An empty PAX path, linkpath or size is no override (tar-stream tests them for truthiness).
    const entry: LayerEntry = {
      name: pax?.path || (this.longName ?? headerName(bytes, at, nameEnd, posix)),
      type,
      mode: tarNumber(bytes, at + 100, 8),
      uid: tarNumber(bytes, at + 108, 8),
      gid: tarNumber(bytes, at + 116, 8),
      size: pax?.size ? parseInt(pax.size, 10) : tarNumber(bytes, at + 124, 12),
      mtime: tarNumber(bytes, at + 136, 12),
      offset,
    };
    const linkName = pax?.linkpath || (this.longLink ?? (bytes[at + 157] === 0 ? undefined : textField(bytes, at + 157, 100)));
    if (linkName) entry.linkName = linkName;
    if (type === 'char' || type === 'block') {
      entry.devMajor = tarNumber(bytes, at + 329, 8);
      entry.devMinor = tarNumber(bytes, at + 337, 8);
    }
    const xattrs = pax && paxXattrs(pax);
    if (xattrs) entry.xattrs = xattrs;
    return entry;
  }
}
