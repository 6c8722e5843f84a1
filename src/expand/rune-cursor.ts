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

/** Reads a word one code point at a time; `peek` looks ahead without consuming. */
export class RuneCursor {
  private readonly codePoints: string[];
  private index = 0;

  constructor(text: string) {
    this.codePoints = Array.from(text);
    // text/scanner drops a byte-order mark when it is the very first character (Scanner.Peek), so a word
    // that starts with U+FEFF loses it.
    if (this.codePoints[0] === '\uFEFF') this.index = 1;
  }

  peek(): string {
    return this.index < this.codePoints.length ? this.codePoints[this.index] : EOF;
  }

  next(): string {
    const codePoint = this.peek();
    if (codePoint !== EOF) this.index += 1;
    return codePoint;
  }
}
