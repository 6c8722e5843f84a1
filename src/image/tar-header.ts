/**
 * Decoding one 512-byte tar header block (POSIX ustar, GNU and PAX), for the readers that walk a tar by
 * position instead of streaming it: the outer `docker save` tar (member-store.ts) and the layers scanned
 * while they are hashed (tar-scanner.ts). tar-stream does this for streams but does not export its decoder
 * (its package `exports` only expose the index), so the rules are written out here, matching tar-stream's
 * where the two readers meet (the same header must give the same entry whichever path read the layer).
 */

export const BLOCK = 512;

/** Upper bound for a PAX or GNU long-name record, as tar-stream's `MAX_HEADER_SIZE` (1 MiB). */
export const MAX_EXTENDED_HEADER_BYTES = 1024 * 1024;

/** The numeric fields of a header that every entry has. */
export interface RawHeader {
  /** The typeflag character ('0', '5', 'x', 'L', …); NUL (pre-POSIX tar) reads as '0'. */
  typeflag: string;
  /** Name from the name field, with the ustar prefix applied; long names come from PAX or GNU records. */
  name: string;
  linkname: string | null;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  devmajor: number;
  devminor: number;
}

/** Why a block is not a usable header. */
export type HeaderProblem = 'checksum' | 'format';

/**
 * Parses a tar numeric field: octal text (leading spaces and NULs skipped, ended by a space or NUL), or
 * GNU base-256 when the high bit of the first byte is set (sizes ≥ 8 GiB, large uids).
 */
export function tarNumber(block: Uint8Array, offset: number, length: number): number {
  const end = offset + length;
  if (block[offset] & 0x80) {
    const negative = block[offset] === 0xff;
    let value = negative ? 0xff - block[offset + 1] : block[offset] & 0x7f;
    if (!negative) value = value * 256 + block[offset + 1];
    for (let i = offset + 2; i < end; i += 1) value = value * 256 + (negative ? 0xff - block[i] : block[i]);
    return negative ? -value : value;
  }
  let i = offset;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i += 1;
  let value = 0;
  for (; i < end; i += 1) {
    const digit = block[i] - 0x30;
    if (digit < 0 || digit > 7) break;
    value = value * 8 + digit;
  }
  return value;
}

/** The header checksum (POSIX ustar): the unsigned sum of all bytes, the checksum field counted as spaces. */
export function headerChecksum(block: Uint8Array): number {
  // A layer scan checks every header, so when the block is 4-byte aligned (a block of a chunk read at a block
  // boundary is) bytes are summed four at a time, in two 16-bit lanes that cannot overflow: 256 × 255 < 2^16.
  if ((block.byteOffset & 3) === 0) {
    const words = new Uint32Array(block.buffer, block.byteOffset, BLOCK / 4);
    let lanes = 0;
    for (let i = 0; i < BLOCK / 4; i += 1) {
      const word = words[i];
      lanes += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff);
    }
    let sum = (lanes & 0xffff) + (lanes >>> 16) + 8 * 0x20;
    for (let i = 148; i < 156; i += 1) sum -= block[i];
    return sum;
  }
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i += 1) sum += block[i];
  for (let i = 156; i < BLOCK; i += 1) sum += block[i];
  return sum;
}

/** An all-zero block: the end-of-archive marker (two of them) or padding after it. */
export function isZeroBlock(block: Uint8Array): boolean {
  // Every real header has a name, so the first byte settles almost every call.
  if (block[0] !== 0) return false;
  for (let i = 1; i < BLOCK; i += 1) if (block[i] !== 0) return false;
  return true;
}

function field(block: Buffer, offset: number, length: number): string {
  let end = offset;
  const limit = offset + length;
  while (end < limit && block[end] !== 0) end += 1;
  return block.toString('utf8', offset, end);
}

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];

/** `ustar\0` (POSIX) — the 155-byte prefix field holds the leading part of long names. */
function isPosixUstar(block: Uint8Array): boolean {
  return USTAR.every((byte, i) => block[257 + i] === byte) && block[262] === 0;
}

/** `ustar ` + ` \0` (GNU, oldgnu): no prefix field, those bytes hold times. */
function isGnu(block: Uint8Array): boolean {
  return USTAR.every((byte, i) => block[257 + i] === byte) && block[262] === 0x20 && block[263] === 0x20 && block[264] === 0;
}

/**
 * Decodes a non-zero header block, or says why it is not one. Like tar-stream (and unlike GNU tar) a
 * pre-POSIX v7 header without the ustar magic is refused: no image tool writes one.
 */
export function decodeHeader(block: Buffer): RawHeader | HeaderProblem {
  if (headerChecksum(block) !== tarNumber(block, 148, 8)) return 'checksum';
  const posix = isPosixUstar(block);
  if (!posix && !isGnu(block)) return 'format';
  let name = field(block, 0, 100);
  if (posix && block[345] !== 0) name = `${field(block, 345, 155)}/${name}`;
  let typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
  // Old tars mark directories by a trailing slash on a regular-file entry.
  if (typeflag === '0' && name.endsWith('/')) typeflag = '5';
  return {
    typeflag,
    name,
    linkname: block[157] === 0 ? null : field(block, 157, 100),
    mode: tarNumber(block, 100, 8),
    uid: tarNumber(block, 108, 8),
    gid: tarNumber(block, 116, 8),
    size: tarNumber(block, 124, 12),
    mtime: tarNumber(block, 136, 12),
    devmajor: tarNumber(block, 329, 8),
    devminor: tarNumber(block, 337, 8),
  };
}

/** `key=value` records of a PAX extended header (POSIX pax format: `<length> <key>=<value>\n`). */
export function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const length = parseInt(data.toString('utf8', position, space), 10);
    if (space < 0 || !(length > 0)) break;
    const record = data.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals < 0) break;
    records[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return records;
}

const XATTR_PREFIX = 'SCHILY.xattr.';

/**
 * The extended attributes among PAX records (`SCHILY.xattr.<name>`, as GNU tar, Docker and containerd write
 * them), or undefined when there are none. Values are UTF-8 decoded like every PAX value, so a binary value
 * comes back with U+FFFD where its bytes were not UTF-8 (src/emit leaves such values out rather than write them wrong).
 */
export function paxXattrs(pax: Record<string, string>): Record<string, string> | undefined {
  let xattrs: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(pax)) {
    if (!key.startsWith(XATTR_PREFIX)) continue;
    xattrs ??= {};
    xattrs[key.slice(XATTR_PREFIX.length)] = value;
  }
  return xattrs;
}

/** The text of a GNU long name (`L`) or long link (`K`) record: NUL-terminated. */
export function longNameRecord(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString('utf8', 0, nul < 0 ? data.length : nul);
}

/**
 * Go's archive/tar (which containerd and moby use to apply layers) reads no data for these types even when
 * the size field is not zero, so neither do we.
 */
export function hasNoData(typeflag: string): boolean {
  return typeflag === '1' || typeflag === '2' || typeflag === '3' || typeflag === '4' || typeflag === '5' || typeflag === '6';
}
