/**
 * Text that is safe to print on a terminal or in a line-oriented log, from a string that may hold anything an
 * image or a Dockerfile holds. A file named `\x1b]0;owned\x07` would retitle the terminal; one with a newline
 * would forge a line of output. So every character a terminal or a line reader acts on instead of showing is
 * written as an escape:
 *
 * - `\xNN` for one byte: the C0 controls (TAB, LF, CR and ESC among them) and DEL, and the bytes of a name that
 *   were not UTF-8 (held as U+DC80..U+DCFF, src/image/name-bytes.ts), so `a\xff` shows the byte it has;
 * - `\u{NNNN}` for a character: the C1 controls U+0080..U+009F (a terminal may take U+009B for CSI), any other
 *   lone surrogate, the line and paragraph separators U+2028/U+2029, and the bidirectional formatting
 *   characters that reorder what is shown (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069).
 *
 * Everything else is left as it is, backslashes included: this is for people to read (JSON is the exact form).
 */
import { escapedByte } from '../image/name-bytes';

const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(character: string): string {
  const code = character.charCodeAt(0);
  const byte = code < 0x80 ? code : escapedByte(code);
  return byte === undefined ? `\\u{${code.toString(16)}}` : `\\x${byte.toString(16).padStart(2, '0')}`;
}

/** `text` with every character that is not safe to print replaced by its escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}
