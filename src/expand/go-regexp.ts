import type { ExpansionBudget } from './expansion-budget';
import { isGoDigit, isGoLetter } from './go-unicode';
import type { PatternProgram } from './pattern-matcher';
import { codePointAt } from './rune-cursor';

/**
 * The parts of Go's `regexp` package that shape `${x//pat/repl}` results, where they differ from
 * JavaScript's `String.prototype.replace`.
 */

/** A replacement template read once: literal text, and `WHOLE_MATCH` where `$0`/`${0}` stood. */
export type ReplacementTemplate = readonly (string | typeof WHOLE_MATCH)[];

export const WHOLE_MATCH = Symbol('whole match');

/**
 * Go `Regexp.ReplaceAllString`. Two differences from JavaScript matter:
 * - an empty match right after the previous match is not replaced (Go: "empty matches abutting a preceding
 *   match are ignored"), so `a*` over `baaac` gives `XbXcX`, not JavaScript's `XbXXcX`;
 * - the replacement is a template (`Regexp.Expand`, see compileReplacementTemplate).
 * The result grows under `budget`, checked before each piece is added.
 */
export function replaceAllMatches(program: PatternProgram, value: string, template: ReplacementTemplate, budget: ExpansionBudget): string {
  let output = '';
  const append = (piece: string): void => {
    budget.grow(output.length, piece.length);
    output += piece;
  };
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= value.length) {
    const match = program.search(value, searchPos, budget);
    if (match === undefined) break;
    const [start, end] = match;
    append(value.slice(lastMatchEnd, start));
    if (end > lastMatchEnd || start === 0) {
      for (const piece of template) append(piece === WHOLE_MATCH ? value.slice(start, end) : piece);
    }
    lastMatchEnd = end;
    // Always advance by at least one character, as Go does (one code point; one unit past the end).
    const width = codePointAt(value, searchPos).length;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos += 1;
    else searchPos = end;
  }
  append(value.slice(lastMatchEnd));
  return output;
}

/**
 * Go `Regexp.Expand`'s reading of a template, for a regexp whose only group is the whole match: `$$` is `$`,
 * `$0`/`${0}` is the whole match, any other `$name`/`${name}` is empty (BuildKit's patterns never have
 * capture groups, and `$00` names a group rather than group 0) and a malformed `$` is kept.
 */
export function compileReplacementTemplate(template: string): ReplacementTemplate {
  const pieces: (string | typeof WHOLE_MATCH)[] = [];
  let literalStart = 0;
  let index = 0;
  while (index < template.length) {
    const dollar = template.indexOf('$', index);
    if (dollar < 0) break;
    if (template[dollar + 1] === '$') {
      pieces.push(template.slice(literalStart, dollar + 1));
      literalStart = index = dollar + 2;
      continue;
    }
    const reference = readTemplateReference(template, dollar + 1);
    if (reference === undefined) {
      index = dollar + 1;
      continue;
    }
    pieces.push(template.slice(literalStart, dollar));
    if (reference.name === '0') pieces.push(WHOLE_MATCH);
    literalStart = index = reference.end;
  }
  pieces.push(template.slice(literalStart));
  return pieces.filter((piece) => piece !== '');
}

/** Go regexp's `extract`: a `name` or `{name}` of letters, digits and `_` at `offset`; `end` is past it. */
function readTemplateReference(text: string, offset: number): { name: string; end: number } | undefined {
  const braced = text[offset] === '{';
  const nameStart = braced ? offset + 1 : offset;
  let nameEnd = nameStart;
  for (;;) {
    const codePoint = codePointAt(text, nameEnd);
    if (codePoint === '' || (!isGoLetter(codePoint) && !isGoDigit(codePoint) && codePoint !== '_')) break;
    nameEnd += codePoint.length;
  }
  if (nameEnd === nameStart) return undefined;
  if (braced && text[nameEnd] !== '}') return undefined;
  return { name: text.slice(nameStart, nameEnd), end: braced ? nameEnd + 1 : nameEnd };
}
