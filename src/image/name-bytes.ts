/**
 * File names and link targets in an image are bytes, not text: a tar stores whatever bytes the file system
 * held, and nothing obliges them to be UTF-8 (`caf\xe9.txt` from a Latin-1 system, `a\xff` from anywhere).
 * scratchify keeps them as JavaScript strings, so paths stay usable as Map keys and in messages, with one
 * lossless rule (Python's "surrogateescape", PEP 383):
 *
 * - a name whose bytes are valid UTF-8 is its decoded text, as everywhere else;
 * - every byte that is not part of a valid UTF-8 sequence becomes the lone surrogate U+DC80 + (byte − 0x80),
 *   i.e. U+DC80..U+DCFF for the bytes 0x80..0xFF (bytes below 0x80 are always valid UTF-8).
 *
 * Valid UTF-8 never decodes to a lone surrogate (the encodings of U+D800..U+DFFF are invalid UTF-8, and Node's
 * decoder treats them so), so the strings of different byte strings are different, and `nameBytes` gives every
 * name's bytes back exactly. In JSON a lone surrogate is written as an escape (`"a\udcff"`).
 */

type Utf8Slice = (this: Buffer, start: number, end: number) => string;
/**
 * Buffer's own UTF-8 decoder, which `toString('utf8', start, end)` calls after checking its arguments: called
 * directly it takes half the time, which counts for the 100k names of a large image. Not part of the documented
 * API, so `toString` stands in should a Node version lack it.
 */
const utf8Slice: Utf8Slice =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice ??
  function (this: Buffer, start: number, end: number): string {
    return this.toString('utf8', start, end);
  };

/** The code unit that stands for the byte 0x80; bytes 0x80..0xFF map to ESCAPE_BASE + (byte − 0x80). */
const ESCAPE_BASE = 0xdc80;
const ESCAPE_LAST = 0xdcff;

/** Length of the valid UTF-8 sequence starting at `at` (WHATWG/Unicode rules: no overlongs, no surrogates, ≤ U+10FFFF), or 0. */
function sequenceLength(bytes: Uint8Array, at: number, end: number): number {
  const lead = bytes[at];
  if (lead < 0x80) return 1;
  let continuation: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    continuation = 2;
    if (lead === 0xe0) low = 0xa0; // overlong below U+0800
    if (lead === 0xed) high = 0x9f; // U+D800..U+DFFF
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    continuation = 3;
    if (lead === 0xf0) low = 0x90; // overlong below U+10000
    if (lead === 0xf4) high = 0x8f; // above U+10FFFF
  } else return 0;
  if (at + continuation >= end) return 0;
  for (let i = 1; i <= continuation; i += 1) {
    const byte = bytes[at + i];
    if (byte < (i === 1 ? low : 0x80) || byte > (i === 1 ? high : 0xbf)) return 0;
  }
  return continuation + 1;
}

/** The slow path of `decodeName`: valid runs decoded by Node, every other byte escaped. */
function decodeEscaping(bytes: Buffer, start: number, end: number): string {
  let text = '';
  let run = start;
  let at = start;
  while (at < end) {
    const length = sequenceLength(bytes, at, end);
    if (length > 0) {
      at += length;
      continue;
    }
    text += utf8Slice.call(bytes, run, at) + String.fromCharCode(ESCAPE_BASE + bytes[at] - 0x80);
    at += 1;
    run = at;
  }
  return text + utf8Slice.call(bytes, run, end);
}

/**
 * The name the bytes `bytes[start, end)` stand for. Most names are ASCII or valid UTF-8 and are decoded by Node
 * in one call; only a name where that decoding produced U+FFFD is decoded again byte by byte (a U+FFFD that was
 * really in the name, as EF BF BD, comes out of both the same). Searching a one-byte (ASCII/Latin-1) string
 * for U+FFFD costs nothing in V8, so the layer scan keeps its speed.
 */
export function decodeName(bytes: Buffer, start = 0, end = bytes.length): string {
  const text = utf8Slice.call(bytes, start, end);
  return text.indexOf('\uFFFD') === -1 ? text : decodeEscaping(bytes, start, end);
}

/** A lone surrogate standing for a byte: one not preceded by a high surrogate (`u` makes pairs one character). */
const ESCAPED_BYTE = /[\uDC80-\uDCFF]/u;

/** The bytes a name (as `decodeName` gives it) stands for: UTF-8, with U+DC80..U+DCFF back to 0x80..0xFF. */
export function nameBytes(name: string): Buffer {
  if (!ESCAPED_BYTE.test(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    if (code < ESCAPE_BASE || code > ESCAPE_LAST) continue;
    const previous = i > 0 ? name.charCodeAt(i - 1) : 0;
    if (previous >= 0xd800 && previous <= 0xdbff) continue; // the low half of a pair: a real character
    parts.push(Buffer.from(name.slice(run, i), 'utf8'), Buffer.of(code - ESCAPE_BASE + 0x80));
    run = i + 1;
  }
  parts.push(Buffer.from(name.slice(run), 'utf8'));
  return Buffer.concat(parts);
}

/** The byte a UTF-16 code unit stands for when it is an escaped byte (U+DC80..U+DCFF), else undefined. */
export function escapedByte(code: number): number | undefined {
  return code >= ESCAPE_BASE && code <= ESCAPE_LAST ? code - ESCAPE_BASE + 0x80 : undefined;
}
