/**
 * Go's `%q` verb (`strconv.Quote`), which BuildKit uses to name the word in its errors:
 * `failed to process "he${PWD": ...`. Printable characters are kept, including non-ASCII ones; control
 * characters use Go's short escapes or `\xNN`/`\uNNNN`.
 */
const SHORT_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]$/u;
/** Go's IsPrint accepts U+0020 but no other space separator. */
const SPACE_SEPARATOR = /^\p{Zs}$/u;

export function goQuote(text: string): string {
  let quoted = '"';
  for (const codePoint of text) {
    const short = SHORT_ESCAPES[codePoint];
    if (short !== undefined) {
      quoted += short;
    } else if (codePoint === ' ' || (!NOT_PRINTABLE.test(codePoint) && !SPACE_SEPARATOR.test(codePoint))) {
      quoted += codePoint;
    } else {
      const value = codePoint.codePointAt(0)!;
      if (value < 0x80) quoted += `\\x${value.toString(16).padStart(2, '0')}`;
      else if (value < 0x10000) quoted += `\\u${value.toString(16).padStart(4, '0')}`;
      else quoted += `\\U${value.toString(16).padStart(8, '0')}`;
    }
  }
  return `${quoted}"`;
}
