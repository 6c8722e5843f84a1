/**
 * Tar header blocks (POSIX ustar, GNU and PAX), decoded for the readers of images — the outer `docker save` tar
 * (member-store.ts) and every layer (tar-scanner.ts) — and encoded for the writer of image archives
 * (src/emit/archive-tar-writer.ts). Names, link targets and xattr values are bytes (name-bytes.ts) both ways.
 * Where readers disagree, the rules are those of Go's archive/tar, which Docker, containerd, podman and umoci
 * extract layers with: what scratchify reads must be what the engine will create.
 */
import { isUtf8 } from 'node:buffer';
import { decodeName } from './name-bytes';

export const BLOCK = 512;

/** What every reader says of a tar that stops inside a header, a record or an entry's data. */
export const TRUNCATED_TAR = 'truncated tar (unexpected end of data)';

/** Rounds a byte count up to whole blocks: where the next header is after an entry's data. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Upper bound for a PAX or GNU long-name record: far above any real one (a path is at most 4096 bytes on Linux). */
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

/** Where the NUL-terminated text field at `at` ends (its first NUL, or `at + length`). */
export function fieldEnd(bytes: Uint8Array, at: number, length: number): number {
  let end = at;
  const limit = at + length;
  while (end < limit && bytes[end] !== 0) end += 1;
  return end;
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
 * Whether an entry with typeflag NUL is an old-style (pre-POSIX) directory: its name, after any PAX `path` or
 * GNU long name, ends in a slash. As in Go's archive/tar (`Reader.Next`), which containerd and moby apply layers
 * with: typeflag '0' is always a regular file, and the slash is looked for in the name the entry ends up with,
 * never in a ustar name a PAX `path` replaces (Python's tarfile cuts a long name at 100 bytes there, and the cut
 * may end in a slash).
 */
export function isOldStyleDirectory(flag: number, lastNameByte: number | undefined): boolean {
  return flag === 0 && lastNameByte === 0x2f;
}

/**
 * The name of the header at `at`, the POSIX prefix applied; `nameEnd` is where its name field ends
 * (`nameFieldEnd`). Names are bytes (name-bytes.ts); a '/' is a whole character in any case, so the prefix and
 * the name are decoded apart.
 */
export function headerName(bytes: Buffer, at: number, nameEnd: number, posix: boolean): string {
  const name = decodeName(bytes, at, nameEnd);
  return posix && bytes[at + 345] !== 0 ? `${decodeName(bytes, at + 345, fieldEnd(bytes, at + 345, 155))}/${name}` : name;
}

/** Where the name field of the header at `at` ends. */
export function nameFieldEnd(bytes: Uint8Array, at: number): number {
  return fieldEnd(bytes, at, 100);
}

/**
 * The records of a PAX extended header (POSIX pax format: `<length> <key>=<value>\n`), values as the bytes they
 * are: `path` and `linkpath` may hold any bytes (a writer marks non-UTF-8 ones with `hdrcharset=BINARY`, which
 * needs no other handling since names are kept as bytes anyway), and so may `SCHILY.xattr.*` values (a file
 * capability is binary). Keys are decoded as names are.
 */
export function paxRecords(data: Buffer): Record<string, Buffer> {
  // No prototype: a key such as `__proto__` is a record like any other.
  const records: Record<string, Buffer> = Object.create(null);
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const length = parseInt(data.toString('latin1', position, space), 10);
    if (space < 0 || !(length > 0)) break;
    const recordEnd = Math.min(position + length - 1, data.length);
    const equals = data.indexOf(0x3d, space + 1);
    if (equals < 0 || equals >= recordEnd) break;
    records[decodeName(data, space + 1, equals)] = data.subarray(equals + 1, recordEnd);
    position += length;
  }
  return records;
}

/** A PAX record that overrides a header field: present and not empty (an empty value is no override, as in Go and tar-stream). */
export function paxOverride(pax: Record<string, Buffer> | undefined, key: string): Buffer | undefined {
  const value = pax?.[key];
  return value !== undefined && value.length > 0 ? value : undefined;
}

const XATTR_PREFIX = 'SCHILY.xattr.';

/**
 * The extended attributes among PAX records (`SCHILY.xattr.<name>`, as GNU tar, Docker and containerd write
 * them), or undefined when there are none. Values are binary (`security.capability` is a little-endian
 * struct): they are kept as names are (name-bytes.ts), so `nameBytes` gives the exact bytes back.
 */
export function paxXattrs(pax: Record<string, Buffer>): Record<string, string> | undefined {
  let xattrs: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(pax)) {
    if (!key.startsWith(XATTR_PREFIX)) continue;
    xattrs ??= Object.create(null) as Record<string, string>;
    xattrs[key.slice(XATTR_PREFIX.length)] = decodeName(value);
  }
  return xattrs;
}

/** The bytes of a GNU long name (`L`) or long link (`K`) record: NUL-terminated. */
export function longNameRecord(data: Buffer): Buffer {
  const nul = data.indexOf(0);
  return nul < 0 ? data : data.subarray(0, nul);
}

/** Typeflags of the entries an image archive writer emits (POSIX ustar). */
export const TYPEFLAG = { file: 0x30, link: 0x31, symlink: 0x32, directory: 0x35, fifo: 0x36 } as const;

const PAX_TYPEFLAG = 0x78; // 'x'

/** One entry's header as written: the name and link target as bytes, numbers as they are. */
export interface EncodedEntry {
  name: Buffer;
  typeflag: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: Buffer;
  /** Further PAX records, in order (e.g. `SCHILY.xattr.<name>` with the value's bytes). */
  records?: ReadonlyArray<readonly [key: Buffer, value: Buffer]>;
}

/**
 * Writes `value` as octal digits ended by a NUL into the numeric field at `offset`; returns false, writing GNU
 * base-256 instead (which GNU tar, Go and bsdtar read), when it does not fit: the caller then also writes a PAX
 * record, the POSIX way.
 */
function numericField(block: Buffer, offset: number, length: number, value: number): boolean {
  const octal = value.toString(8);
  if (Number.isSafeInteger(value) && value >= 0 && octal.length < length) {
    block.write(octal.padStart(length - 1, '0'), offset, 'latin1');
    return true;
  }
  block[offset] = 0x80;
  let rest = value;
  for (let i = offset + length - 1; i > offset; i -= 1) {
    block[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return false;
}

/** Copies `bytes` into the text field at `offset`; the caller has checked that they fit. */
function textField(block: Buffer, offset: number, length: number, bytes: Buffer): void {
  if (bytes.length > length) throw new RangeError(`tar header field of ${length} bytes cannot hold ${bytes.length}`);
  bytes.copy(block, offset);
}

/** One POSIX ustar header block (`ustar\0` `00`, no user or group names); `prefix` is the ustar prefix field. */
function ustarBlock(entry: EncodedEntry, name: Buffer, prefix: Buffer, linkname: Buffer): { block: Buffer; overflow: string[] } {
  const block = Buffer.alloc(BLOCK);
  textField(block, 0, 100, name);
  const overflow: string[] = [];
  numericField(block, 100, 8, entry.mode);
  if (!numericField(block, 108, 8, entry.uid)) overflow.push('uid');
  if (!numericField(block, 116, 8, entry.gid)) overflow.push('gid');
  if (!numericField(block, 124, 12, entry.size)) overflow.push('size');
  if (!numericField(block, 136, 12, entry.mtime)) overflow.push('mtime');
  block[156] = entry.typeflag;
  textField(block, 157, 100, linkname);
  block.write('ustar\x0000', 257, 'latin1');
  numericField(block, 329, 8, 0);
  numericField(block, 337, 8, 0);
  textField(block, 345, 155, prefix);
  // The checksum is summed with its own field as spaces, then written as six octal digits, NUL, space.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return { block, overflow };
}

/** `name` split into the ustar prefix and name fields at a slash, or undefined when no split fits. */
function splitUstarName(name: Buffer): { prefix: Buffer; name: Buffer } | undefined {
  if (name.length <= 100) return { prefix: Buffer.alloc(0), name };
  // The prefix must not be empty: a reader joins a non-empty prefix and the name with a slash, and no other.
  for (let slash = name.indexOf(0x2f, 1); slash > 0 && slash <= 155; slash = name.indexOf(0x2f, slash + 1)) {
    const rest = name.length - slash - 1;
    if (rest > 0 && rest <= 100) return { prefix: name.subarray(0, slash), name: name.subarray(slash + 1) };
  }
  return undefined;
}

/** One PAX record, `<length> <key>=<value>\n`, the length counting its own digits. */
function paxRecord(key: Buffer, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(' '), key, Buffer.from('='), value, Buffer.from('\n')]);
  let digits = String(body.length).length;
  if (body.length + digits >= 10 ** digits) digits += 1;
  return Buffer.concat([Buffer.from(String(body.length + digits), 'latin1'), body]);
}

/** Stands in for a name or link target that only a PAX record holds: a cut name could end in a slash, which readers may take for a directory. */
const PAX_STAND_IN = Buffer.from('PaxHeader');

/**
 * The header blocks of one entry: the name and link target raw in the ustar fields when they fit (a name up to
 * 100 bytes, or split at a slash into 155 + 100; a link target up to 100), otherwise in PAX `path`/`linkpath`
 * records, preceded by `hdrcharset=BINARY` when their bytes are not UTF-8. POSIX requires PAX values to be UTF-8
 * unless so marked; Python and libarchive honour the mark, Go's archive/tar (Docker, containerd, umoci) takes
 * values as bytes in any case, and GNU tar 1.34, which does not know the keyword, says so on stderr but extracts
 * the names byte for byte (test/emit/archive/names-as-bytes.host.test.ts): so the mark is kept, rather than GNU
 * long-name records, which are not POSIX. Numbers
 * that do not fit their octal field also go into PAX records. The data and its padding follow, from the caller.
 */
export function entryHeaderBlocks(entry: EncodedEntry): Buffer {
  const split = splitUstarName(entry.name);
  const link = entry.linkname ?? Buffer.alloc(0);
  const linkFits = link.length <= 100;
  const ustar = ustarBlock(entry, split?.name ?? PAX_STAND_IN, split?.prefix ?? Buffer.alloc(0), linkFits ? link : Buffer.alloc(0));
  const records: Buffer[] = [];
  const binary = (!split && !isUtf8(entry.name)) || (!linkFits && !isUtf8(link));
  if (binary) records.push(paxRecord(Buffer.from('hdrcharset'), Buffer.from('BINARY')));
  if (!split) records.push(paxRecord(Buffer.from('path'), entry.name));
  if (!linkFits) records.push(paxRecord(Buffer.from('linkpath'), link));
  for (const field of ustar.overflow) records.push(paxRecord(Buffer.from(field), Buffer.from(String(entry[field as 'uid' | 'gid' | 'size' | 'mtime']))));
  for (const [key, value] of entry.records ?? []) records.push(paxRecord(key, value));
  if (records.length === 0) return ustar.block;
  const data = Buffer.concat(records);
  const pax = ustarBlock({ name: PAX_STAND_IN, typeflag: PAX_TYPEFLAG, mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: entry.mtime }, PAX_STAND_IN, Buffer.alloc(0), Buffer.alloc(0));
  return Buffer.concat([pax.block, data, Buffer.alloc(padded(data.length) - data.length), ustar.block]);
}
