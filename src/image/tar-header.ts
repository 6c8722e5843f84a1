/**
 * Decoding one 512-byte tar header block (POSIX ustar, GNU and PAX), for the readers that walk a tar by
 * position instead of streaming it: the outer `docker save` tar (member-store.ts) and the layers scanned
 * while they are hashed (tar-scanner.ts). tar-stream does this for streams but does not export its decoder
 * (its package `exports` only expose the index), so the rules are written out here, matching tar-stream's
 * where the two readers meet (the same header must give the same entry whichever path read the layer).
 */

export const BLOCK = 512;

/** What every reader says of a tar that stops inside a header, a record or an entry's data. */
export const TRUNCATED_TAR = 'truncated tar (unexpected end of data)';

/** Rounds a byte count up to whole blocks: where the next header is after an entry's data. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Upper bound for a PAX or GNU long-name record, as tar-stream's `MAX_HEADER_SIZE` (1 MiB). */
export const MAX_EXTENDED_HEADER_BYTES = 1024 * 1024;

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

/**
 * The 32-bit words of a chunk for `headerChecksum`, or undefined when the chunk does not start on a 4-byte
 * boundary of its memory (a gzip output chunk may not): one view per chunk, since one per block costs more
 * than the sum it speeds up.
 */
export function wordsOf(bytes: Uint8Array): Int32Array | undefined {
  return (bytes.byteOffset & 3) === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : undefined;
}

/** What `headerChecksum` gives for an all-zero block: the checksum field counted as eight spaces. */
export const EMPTY_BLOCK_SUM = 8 * 0x20;

/**
 * The header checksum (POSIX ustar) of the block at `at`: the unsigned sum of its bytes, the checksum field
 * counted as spaces. A layer scan checks every header, so where the block is 4-byte aligned bytes are summed
 * four at a time, as two 16-bit lanes per 32-bit word that cannot overflow (256 × 255 < 2^16). `words` is
 * `wordsOf(bytes)`, when the caller checks many blocks of one chunk.
 */
export function headerChecksum(bytes: Uint8Array, at = 0, words = wordsOf(bytes)): number {
  let sum = EMPTY_BLOCK_SUM;
  if (words && (at & 3) === 0) {
    let even = 0;
    let odd = 0;
    for (let i = at >> 2, end = (at + BLOCK) >> 2; i < end; i += 2) {
      const word = words[i];
      const next = words[i + 1];
      even = (even + (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff)) | 0;
      odd = (odd + (next & 0x00ff00ff) + ((next >>> 8) & 0x00ff00ff)) | 0;
    }
    const lanes = (even + odd) | 0;
    sum += (lanes & 0xffff) + (lanes >>> 16);
    for (let i = at + 148; i < at + 156; i += 1) sum -= bytes[i];
    return sum;
  }
  for (let i = at; i < at + 148; i += 1) sum += bytes[i];
  for (let i = at + 156; i < at + BLOCK; i += 1) sum += bytes[i];
  return sum;
}

type Utf8Slice = (this: Buffer, start: number, end: number) => string;
/**
 * Buffer's own UTF-8 decoder, which `toString('utf8', start, end)` calls after checking its arguments: called
 * directly it takes half the time, which counts for the 100k names of a large image. Not part of the documented
 * API, so `toString` stands in should a Node version lack it.
 */
export const utf8Slice: Utf8Slice =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice ??
  function (this: Buffer, start: number, end: number): string {
    return this.toString('utf8', start, end);
  };

/** Where the NUL-terminated text field at `at` ends (its first NUL, or `at + length`). */
export function fieldEnd(bytes: Uint8Array, at: number, length: number): number {
  let end = at;
  const limit = at + length;
  while (end < limit && bytes[end] !== 0) end += 1;
  return end;
}

/** A NUL-terminated text field. */
function textField(bytes: Buffer, at: number, length: number): string {
  return utf8Slice.call(bytes, at, fieldEnd(bytes, at, length));
}

/** `ustar\0` (POSIX) — the 155-byte prefix field holds the leading part of long names. */
export function isPosixUstar(bytes: Uint8Array, at: number): boolean {
  return hasUstarMagic(bytes, at) && bytes[at + 262] === 0;
}

/** `ustar ` + ` \0` (GNU, oldgnu): no prefix field, those bytes hold times. */
function isGnu(bytes: Uint8Array, at: number): boolean {
  return hasUstarMagic(bytes, at) && bytes[at + 262] === 0x20 && bytes[at + 263] === 0x20 && bytes[at + 264] === 0;
}

function hasUstarMagic(bytes: Uint8Array, at: number): boolean {
  const magic = at + 257;
  return bytes[magic] === 0x75 && bytes[magic + 1] === 0x73 && bytes[magic + 2] === 0x74 && bytes[magic + 3] === 0x61 && bytes[magic + 4] === 0x72;
}

/**
 * Why the non-zero block at `at`, whose bytes sum to `sum` (`headerChecksum`), is not a header, or undefined
 * when it is one. Like tar-stream (and unlike GNU tar) a pre-POSIX v7 header without the ustar magic is
 * refused: no image tool writes one.
 */
export function headerProblem(bytes: Uint8Array, at: number, sum: number): HeaderProblem | undefined {
  if (sum !== tarNumber(bytes, at + 148, 8)) return 'checksum';
  if (!isPosixUstar(bytes, at) && !isGnu(bytes, at)) return 'format';
  return undefined;
}

/**
 * Whether a header with typeflag '0' or NUL is an old-style directory: its name ends in a slash (`nameEnd` is
 * the end of the name field; an empty name field after a POSIX prefix makes the name `prefix/`).
 */
export function plainFileIsDirectory(bytes: Uint8Array, at: number, nameEnd: number, posix: boolean): boolean {
  return nameEnd > at ? bytes[nameEnd - 1] === 0x2f : posix && bytes[at + 345] !== 0;
}

/**
 * The name of the header at `at`, the POSIX prefix applied; `nameEnd` as `plainFileIsDirectory` takes it.
 */
export function headerName(bytes: Buffer, at: number, nameEnd: number, posix: boolean): string {
  const name = utf8Slice.call(bytes, at, nameEnd);
  return posix && bytes[at + 345] !== 0 ? `${textField(bytes, at + 345, 155)}/${name}` : name;
}

/** Where the name field of the header at `at` ends. */
export function nameFieldEnd(bytes: Uint8Array, at: number): number {
  return fieldEnd(bytes, at, 100);
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
