import { isGoDigit, isGoLetter } from './go-unicode';

/**
 * The parts of Go's `regexp` package that shape `${x/pat/repl}` and `${x//pat/repl}` results, where they
 * differ from JavaScript's `String.prototype.replace`.
 */

/** Go `Regexp.FindStringIndex`: the leftmost match as `[start, end)` code-unit offsets, or undefined. */
export function findFirstMatch(pattern: RegExp, value: string): [number, number] | undefined {
  const search = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  const match = search.exec(value);
  return match === null ? undefined : [match.index, match.index + match[0].length];
}

/**
 * Go `Regexp.ReplaceAllString`. Two differences from JavaScript matter:
 * - an empty match right after the previous match is not replaced (Go: "empty matches abutting a preceding
 *   match are ignored"), so `a*` over `baaac` gives `XbXcX`, not JavaScript's `XbXXcX`;
 * - the replacement is a template (`Regexp.Expand`): `$$` is `$`, `$0`/`${0}` is the whole match, any other
 *   `$name`/`${name}` is empty (BuildKit's patterns never have capture groups) and a malformed `$` is kept.
 */
export function replaceAllMatches(pattern: RegExp, value: string, template: string): string {
  const search = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  let output = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= value.length) {
    search.lastIndex = searchPos;
    const match = search.exec(value);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    output += value.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) output += expandReplacementTemplate(template, match[0]);
    lastMatchEnd = end;
    // Always advance by at least one character, as Go does (one code point; one unit past the end).
    const width = searchPos < value.length ? String.fromCodePoint(value.codePointAt(searchPos)!).length : 0;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos += 1;
    else searchPos = end;
  }
  return output + value.slice(lastMatchEnd);
}

/** Go `Regexp.Expand` of a template for a regexp whose only group is the whole match. */
export function expandReplacementTemplate(template: string, wholeMatch: string): string {
  let output = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    output += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      output += '$';
      rest = rest.slice(1);
      continue;
    }
    const reference = readTemplateReference(rest);
    if (reference === undefined) {
      output += '$';
      continue;
    }
    rest = reference.rest;
    if (reference.name === '0') output += wholeMatch;
  }
  return output + rest;
}

/** Go regexp's `extract`: a `name` or `{name}` of letters, digits and `_` at the start of `text`. */
function readTemplateReference(text: string): { name: string; rest: string } | undefined {
  const braced = text.startsWith('{');
  const codePoints = Array.from(braced ? text.slice(1) : text);
  let length = 0;
  while (length < codePoints.length) {
    const codePoint = codePoints[length];
    if (!isGoLetter(codePoint) && !isGoDigit(codePoint) && codePoint !== '_') break;
    length += 1;
  }
  if (length === 0) return undefined;
  const name = codePoints.slice(0, length).join('');
  let consumed = length;
  if (braced) {
    if (codePoints[length] !== '}') return undefined;
    consumed += 1;
  }
  return { name, rest: codePoints.slice(consumed).join('') };
}
