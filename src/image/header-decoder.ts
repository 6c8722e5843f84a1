/**
 * Turning a layer's header blocks, as the scan found them (tar-scanner.ts, header-batch.ts), into the
 * entries the merge applies. PAX and GNU long-name records are applied as tar-stream applies them, so a
 * layer gives the same entries whichever reader saw it (layer-stream.ts streams the layers that are not in a
 * host file).
 */
import type { FileType, LayerEntry } from '../tree/types';
import { padded, type HeaderBatch } from './header-batch';
import { BLOCK, longNameRecord, paxRecords, paxXattrs, readHeader, type RawHeader } from './tar-header';

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
      const position = batch.positions[index];
      // The scan checked every block it handed over (checksum, format, sizes).
      const raw = readHeader(bytes, at);
      at += BLOCK;
      const { typeflag } = raw;
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        const data = bytes.subarray(at, at + raw.size);
        at += padded(raw.size);
        if (typeflag === 'x') this.pax = { ...this.globalPax, ...paxRecords(data) };
        else if (typeflag === 'g') this.globalPax = paxRecords(data);
        else if (typeflag === 'L') this.longName = longNameRecord(data);
        else this.longLink = longNameRecord(data);
        continue;
      }
      const entry = this.toEntry(raw, position + BLOCK);
      this.longName = this.longLink = this.pax = undefined;
      onEntry(entry);
    }
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
