import { ExpansionError } from '../errors';
import type { ExpansionBudget } from './expansion-budget';
import { compileReplacementTemplate, replaceAllMatches } from './go-regexp';
import { PatternProgram, type PatternElement } from './pattern-matcher';
import { EOF, EOF_IN_MESSAGES, RuneCursor } from './rune-cursor';

/**
 * The glob patterns of `${x#pat}`, `${x%pat}` and `${x/pat/repl}` as BuildKit implements them (shell/lex.go
 * `convertShellPatternToRegex`): `*` and `?` are wildcards, a backslash escapes `*`, `?` or itself, and there
 * are no bracket expressions. A backslash before `}` or `/` only kept that character from ending the
 * `${...}` and is dropped. Any other escape is an error. The backslash here is literal even when the
 * Dockerfile's escape character is a backtick: the pattern keeps the escape characters it was written with.
 * BuildKit turns `*` into `.*` (or `.*?`) and `?` into `.`, whose Go meaning excludes newlines.
 */

/** The pattern compiled for matching (see pattern-matcher.ts). */
export function compileShellPattern(pattern: string, greedy: boolean, anchored: boolean): PatternProgram {
  const cursor = new RuneCursor(pattern);
  const elements: PatternElement[] = [];
  for (let token = cursor.next(); token !== EOF; token = cursor.next()) {
    if (token === '*') {
      elements.push({ kind: 'star' });
    } else if (token === '?') {
      elements.push({ kind: 'any' });
    } else if (token === '\\') {
      if (cursor.peek() === '}' || cursor.peek() === '/') continue;
      const escaped = cursor.next();
      if (escaped !== '*' && escaped !== '?' && escaped !== '\\') {
        throw new ExpansionError(
          `invalid pattern (${pattern}) in substitution: invalid escape '\\${escaped === EOF ? EOF_IN_MESSAGES : escaped}'`,
        );
      }
      elements.push({ kind: 'char', codePoint: escaped.codePointAt(0)! });
    } else {
      elements.push({ kind: 'char', codePoint: token.codePointAt(0)! });
    }
  }
  return new PatternProgram(elements, greedy, anchored);
}

/** `${x#pat}` (shortest) and `${x##pat}` (greedy): `value` without the prefix the pattern matches. */
export function trimPatternPrefix(pattern: string, value: string, greedy: boolean, budget: ExpansionBudget): string {
  const match = compileShellPattern(pattern, greedy, true).search(value, 0, budget);
  return match === undefined ? value : value.slice(match[1]);
}

/**
 * `${x%pat}` and `${x%%pat}`. A regexp finds leftmost matches only, so BuildKit reverses both the value and
 * the pattern (keeping each escape in front of the character it escapes) and trims a prefix instead.
 */
export function trimPatternSuffix(pattern: string, value: string, greedy: boolean, budget: ExpansionBudget): string {
  const trimmed = trimPatternPrefix(reversePattern(pattern), reverseCodePoints(value), greedy, budget);
  return reverseCodePoints(trimmed);
}

/**
 * `${x/pat/repl}` (first match, replacement inserted as is) and `${x//pat/repl}` (every match, replacement
 * read as a Go regexp template). Both use greedy, unanchored patterns.
 */
export function replacePattern(pattern: string, value: string, replacement: string, all: boolean, budget: ExpansionBudget): string {
  const program = compileShellPattern(pattern, true, false);
  if (all) return replaceAllMatches(program, value, compileReplacementTemplate(replacement), budget);
  const match = program.search(value, 0, budget);
  if (match === undefined) return value;
  budget.grow(match[0], replacement.length + value.length - match[1]);
  return value.slice(0, match[0]) + replacement + value.slice(match[1]);
}

/** `a\*c` → `c\*a`: reversed, but an escape stays in front of its character. A trailing `\` stays alone. */
export function reversePattern(pattern: string): string {
  return pairEscapes(Array.from(pattern)).reverse().join('');
}

/** The pattern as units: an escape with its character (`\*`), or one character. */
function pairEscapes(codePoints: string[]): string[] {
  const units: string[] = [];
  for (let index = 0; index < codePoints.length; ) {
    if (codePoints[index] === '\\' && index !== codePoints.length - 1) {
      units.push(`\\${codePoints[index + 1]}`);
      index += 2;
    } else {
      units.push(codePoints[index]);
      index += 1;
    }
  }
  return units;
}

function reverseCodePoints(text: string): string {
  return Array.from(text).reverse().join('');
}
