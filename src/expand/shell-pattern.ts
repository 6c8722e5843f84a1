import { ExpansionError } from '../errors';
import { findFirstMatch, replaceAllMatches } from './go-regexp';
import { EOF, EOF_IN_MESSAGES, RuneCursor } from './rune-cursor';

/**
 * The glob patterns of `${x#pat}`, `${x%pat}` and `${x/pat/repl}` as BuildKit implements them (shell/lex.go
 * `convertShellPatternToRegex`): `*` and `?` are wildcards, a backslash escapes `*`, `?` or itself, and there
 * are no bracket expressions. A backslash before `}` or `/` only kept that character from ending the
 * `${...}` and is dropped. Any other escape is an error. The backslash here is literal even when the
 * Dockerfile's escape character is a backtick: the pattern keeps the escape characters it was written with.
 */

/** Characters that are literal in a shell pattern but special in a regular expression. */
const REGEXP_SPECIALS = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

/** Go's `.` matches any character but a newline; JavaScript's also refuses `\r`, U+2028 and U+2029. */
const ANY_BUT_NEWLINE = '[^\\n]';

/** The pattern compiled to an equivalent JavaScript regexp (Unicode mode, so `?` is one code point). */
export function shellPatternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const cursor = new RuneCursor(pattern);
  let source = anchored ? '^' : '';
  const star = greedy ? `${ANY_BUT_NEWLINE}*` : `${ANY_BUT_NEWLINE}*?`;
  for (let token = cursor.next(); token !== EOF; token = cursor.next()) {
    if (token === '*') {
      source += star;
    } else if (token === '?') {
      source += ANY_BUT_NEWLINE;
    } else if (token === '\\') {
      if (cursor.peek() === '}' || cursor.peek() === '/') continue;
      const escaped = cursor.next();
      if (escaped !== '*' && escaped !== '?' && escaped !== '\\') {
        throw new ExpansionError(
          `invalid pattern (${pattern}) in substitution: invalid escape '\\${escaped === EOF ? EOF_IN_MESSAGES : escaped}'`,
        );
      }
      source += `\\${escaped}`;
    } else if (REGEXP_SPECIALS.has(token)) {
      source += `\\${token}`;
    } else {
      source += token;
    }
  }
  return new RegExp(source, 'u');
}

/** `${x#pat}` (shortest) and `${x##pat}` (greedy): `value` without the prefix the pattern matches. */
export function trimPatternPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = findFirstMatch(shellPatternToRegExp(pattern, greedy, true), value);
  return match === undefined ? value : value.slice(match[1]);
}

/**
 * `${x%pat}` and `${x%%pat}`. A regexp finds leftmost matches only, so BuildKit reverses both the value and
 * the pattern (keeping each escape in front of the character it escapes) and trims a prefix instead.
 */
export function trimPatternSuffix(pattern: string, value: string, greedy: boolean): string {
  const trimmed = trimPatternPrefix(reversePattern(pattern), reverseCodePoints(value), greedy);
  return reverseCodePoints(trimmed);
}

/**
 * `${x/pat/repl}` (first match, replacement inserted as is) and `${x//pat/repl}` (every match, replacement
 * read as a Go regexp template). Both use greedy, unanchored patterns.
 */
export function replacePattern(pattern: string, value: string, replacement: string, all: boolean): string {
  const regexp = shellPatternToRegExp(pattern, true, false);
  if (all) return replaceAllMatches(regexp, value, replacement);
  const match = findFirstMatch(regexp, value);
  return match === undefined ? value : value.slice(0, match[0]) + replacement + value.slice(match[1]);
}

/** `a\*c` → `c\*a`: reversed, but an escape stays in front of its character. A trailing `\` stays alone. */
export function reversePattern(pattern: string): string {
  const codePoints = Array.from(pattern);
  const reversed: string[] = [];
  for (let index = 0; index < codePoints.length; ) {
    if (codePoints[index] === '\\' && index !== codePoints.length - 1) {
      reversed.unshift('\\', codePoints[index + 1]);
      index += 2;
    } else {
      reversed.unshift(codePoints[index]);
      index += 1;
    }
  }
  return reversed.join('');
}

function reverseCodePoints(text: string): string {
  return Array.from(text).reverse().join('');
}
