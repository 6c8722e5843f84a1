import { isGoDigit, isGoLetter } from './go-unicode';
import { EOF, RuneCursor } from './rune-cursor';

/** Characters that make `$c` a one-character special parameter rather than a literal `$`. */
const SPECIAL_PARAMETERS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Whether `$` followed by this character starts an expansion in BuildKit's lexer. */
function startsExpansion(codePoint: string): boolean {
  return codePoint === '{' || codePoint === '_' || isGoLetter(codePoint) || isGoDigit(codePoint) || SPECIAL_PARAMETERS.has(codePoint);
}

/**
 * Whether `word` holds a `$` that BuildKit's lexer would expand: one outside single quotes, not escaped,
 * and followed by `{`, a name character or a special parameter (`$.` and a final `$` are literal).
 * Inside double quotes only `"`, `$` and the escape itself can be escaped, as in the lexer. Unterminated
 * quotes are read to the end of the word: this answers "is there expansion", not "is the word valid".
 *
 * Note that BuildKit rejects `COPY --from` values by a different test, "does expansion against an empty
 * environment change the word", which also rejects quotes and escapes; use `expandWord` for that.
 */
export function containsExpansion(word: string, escape: '\\' | '`' = '\\'): boolean {
  const cursor = new RuneCursor(word);
  let inDoubleQuotes = false;
  for (let codePoint = cursor.next(); codePoint !== EOF; codePoint = cursor.next()) {
    if (codePoint === '$') {
      if (startsExpansion(cursor.peek())) return true;
    } else if (codePoint === escape) {
      const escaped = cursor.peek();
      if (!inDoubleQuotes || escaped === '"' || escaped === '$' || escaped === escape) cursor.next();
    } else if (codePoint === '"') {
      inDoubleQuotes = !inDoubleQuotes;
    } else if (codePoint === "'" && !inDoubleQuotes) {
      let quoted = cursor.next();
      while (quoted !== EOF && quoted !== "'") quoted = cursor.next();
    }
  }
  return false;
}
