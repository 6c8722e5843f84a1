/**
 * A cursor over the code points of a word, behaving like Go's `text/scanner` as BuildKit's lexer drives it
 * (only `Peek` and `Next`, never `Scan`).
 */

/** What `peek`/`next` return past the last code point (Go's `scanner.EOF`). Real code points are never empty. */
export const EOF = '';

/**
 * How Go renders `string(scanner.EOF)`: EOF is rune -1, an invalid rune, which converts to U+FFFD. BuildKit
 * puts it in messages such as `unsupported modifier (\uFFFD) in substitution` for `${abc`.
 */
export const EOF_IN_MESSAGES = '\uFFFD';

/** The code point of `text` at code-unit offset `index` (a surrogate pair whole, a lone surrogate alone). */
export function codePointAt(text: string, index: number): string {
  if (index >= text.length) return EOF;
  const unit = text.charCodeAt(index);
  if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return text.slice(index, index + 2);
  }
  return text[index];
}

/**
 * Reads a word one code point at a time; `peek` looks ahead without consuming. It walks the string by
 * offset rather than splitting it, so a long word costs no memory beyond itself.
 */
export class RuneCursor {
  private index = 0;

  constructor(private readonly text: string) {
    // text/scanner drops a byte-order mark when it is the very first character (Scanner.Peek), so a word
    // that starts with U+FEFF loses it.
    if (text.startsWith('\uFEFF')) this.index = 1;
  }

  peek(): string {
    return codePointAt(this.text, this.index);
  }

  next(): string {
    const codePoint = this.peek();
    this.index += codePoint.length;
    return codePoint;
  }
}
