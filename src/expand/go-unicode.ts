/**
 * Go's `unicode.IsSpace`, `unicode.IsLetter` and `unicode.IsDigit`, which BuildKit's lexer uses to split
 * fields and to read variable names. JavaScript's `\s` is not the same set (it adds U+FEFF and drops U+0085),
 * so the Unicode properties are named explicitly: Go's IsSpace is exactly the White_Space property, IsLetter
 * is category L and IsDigit is category Nd (Go `unicode` package docs).
 */

const WHITE_SPACE = /^\p{White_Space}$/u;
const LETTER = /^\p{L}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Go `unicode.IsSpace` for one code point. */
export function isGoSpace(codePoint: string): boolean {
  return WHITE_SPACE.test(codePoint);
}

/** Go `unicode.IsLetter` for one code point. */
export function isGoLetter(codePoint: string): boolean {
  return LETTER.test(codePoint);
}

/** Go `unicode.IsDigit` for one code point: any decimal digit, not only ASCII (`$١` is positional). */
export function isGoDigit(codePoint: string): boolean {
  return DECIMAL_DIGIT.test(codePoint);
}
