/**
 * BuildKit's line scanner (frontend/dockerfile/parser/parser.go `Parse`), reproduced rule for rule:
 * parser directives at the top, comments, continuation lines, empty continuation lines, heredoc bodies.
 *
 * dockerfile-ast splits the same text into instructions too, and we use its positions for columns
 * (see `positions.ts`), but its rules differ from BuildKit's in ways that change meaning (any `# key=value`
 * at the top becomes a directive, a second `escape` is ignored, heredoc bodies have no content), so the
 * logical lines themselves come from here.
 */
import { DockerfileSyntaxError } from '../errors';
import type { Directive, EscapeChar } from './syntax';

/** One logical instruction line: continuation lines joined, comments inside dropped, heredoc bodies read. */
export interface LogicalLine {
  /** The joined text, as BuildKit's `Node.Original`. */
  text: string;
  /** 1-based physical lines. */
  startLine: number;
  endLine: number;
  /** Comments directly above the instruction (BuildKit `PrevComment`), without the `#`. */
  comments: string[];
  /** The escape character in force (directives come before any instruction, so it never changes later). */
  escape: EscapeChar;
  /** Raw physical lines after the joined line, for heredoc bodies (read by `heredoc.ts`). */
  readFollowingLine: () => RawLine | undefined;
}

export interface RawLine {
  /** Line text with its line terminator. */
  raw: string;
  /** Line text without the terminator (`\n` or `\r\n`). */
  text: string;
  /** 1-based line number. */
  line: number;
}

export interface ScanWarning {
  line: number;
  message: string;
}

const UTF8_BOM = '\ufeff';
// BuildKit: reDirectives = `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
// Go's unicode.IsSpace for the leading-whitespace trims (ASCII part plus the Unicode spaces Go recognises).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function splitPhysicalLines(text: string): RawLine[] {
  const lines: RawLine[] = [];
  let start = 0;
  let number = 1;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    const raw = text.slice(start, end);
    lines.push({ raw, text: trimNewline(raw), line: number });
    number += 1;
    start = end;
  }
  return lines;
}

/** BuildKit trimNewline: drops a trailing `\r\n` or `\n` (so CRLF files behave like LF files). */
export function trimNewline(raw: string): string {
  if (raw.endsWith('\r\n')) return raw.slice(0, -2);
  if (raw.endsWith('\n')) return raw.slice(0, -1);
  return raw;
}

export function trimLeadingWhitespace(text: string): string {
  return text.replace(LEADING_SPACE, '');
}

function isComment(text: string): boolean {
  return trimLeadingWhitespace(text).startsWith('#');
}

function escapeRegExp(char: string): string {
  return char.replace(/[\\^$.*+?()[\]{}|`]/g, '\\$&');
}

/**
 * BuildKit trimContinuationCharacter: a line continues when it ends in the escape character, optionally
 * followed by spaces or tabs, unless that escape character is itself escaped (`\\` at the end does not
 * continue). A line that is only the escape character continues with nothing.
 */
export function trimContinuation(text: string, escape: EscapeChar): { text: string; continues: boolean } {
  const e = escapeRegExp(escape);
  const pattern = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  const match = pattern.exec(text);
  if (!match) return { text, continues: false };
  return { text: text.slice(0, match.index) + (match[1] ?? ''), continues: true };
}

/** Parser-directive state, as BuildKit's DirectiveParser: only the leading run of known directives counts. */
export class DirectiveReader {
  private done = false;
  readonly directives: Directive[] = [];
  escape: EscapeChar = '\\';

  constructor(private readonly file?: string) {}

  read(text: string, line: number): void {
    if (this.done) return;
    const match = DIRECTIVE.exec(text);
    if (!match || !KNOWN_DIRECTIVES.has(match[1].toLowerCase())) {
      this.done = true;
      return;
    }
    const name = match[1].toLowerCase() as Directive['name'];
    const value = match[2];
    if (this.directives.some((d) => d.name === name)) {
      throw new DockerfileSyntaxError(`only one ${name} parser directive can be used`, { file: this.file, line, column: 1 });
    }
    if (name === 'escape') {
      if (value !== '`' && value !== '\\') {
        throw new DockerfileSyntaxError(`invalid escape token '${value}' does not match \` or \\`, { file: this.file, line, column: 1 });
      }
      this.escape = value;
    }
    this.directives.push({ name, value, line });
  }
}

export interface ScanResult {
  lines: LogicalLine[];
  directives: Directive[];
  escape: EscapeChar;
  warnings: ScanWarning[];
}

/**
 * Reads the logical lines of a Dockerfile. `onLogicalLine` is called for each one before scanning goes on,
 * so the caller can consume heredoc bodies through `readFollowingLine` (as BuildKit does inline).
 */
export function scanDockerfile(text: string, onLogicalLine: (line: LogicalLine) => void, file?: string): ScanResult {
  const physical = splitPhysicalLines(text);
  const directives = new DirectiveReader(file);
  const warnings: ScanWarning[] = [];
  const lines: LogicalLine[] = [];
  let index = 0;
  let comments: string[] = [];

  const next = (): RawLine | undefined => (index < physical.length ? physical[index++] : undefined);

  // BuildKit processLine: strip newline, optionally leading whitespace, feed the directive reader, drop comments.
  const processLine = (raw: RawLine, stripLeft: boolean): string => {
    let text = raw.text;
    if (stripLeft) text = trimLeadingWhitespace(text);
    directives.read(text, raw.line);
    return isComment(text) ? '' : text;
  };

  for (let raw = next(); raw !== undefined; raw = next()) {
    if (raw.line === 1 && raw.text.startsWith(UTF8_BOM)) {
      raw = { ...raw, raw: raw.raw.slice(1), text: raw.text.slice(1) };
    }
    const wasDirectiveCount = directives.directives.length;
    if (isComment(raw.text)) {
      const comment = trimLeadingWhitespace(raw.text).slice(1).trim();
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    const processed = processLine(raw, true);
    if (directives.directives.length > wasDirectiveCount) comments.pop(); // a directive is not a comment of the first instruction
    const startLine = raw.line;
    let { text: joined, continues } = trimContinuation(processed, directives.escape);
    if (!continues && joined === '') continue;

    let endLine = raw.line;
    while (continues) {
      const following = next();
      if (following === undefined) break; // BuildKit accepts a continuation at end of file
      const processedFollowing = processLine(following, false);
      if (isComment(following.text)) continue; // comment lines inside a continuation vanish entirely
      if (trimLeadingWhitespace(processedFollowing) === '') {
        warnings.push({ line: following.line, message: 'Empty continuation line found: empty continuation lines will become errors in a future release' });
        continue;
      }
      const trimmed = trimContinuation(processedFollowing, directives.escape);
      joined += trimmed.text;
      continues = trimmed.continues;
      endLine = following.line;
    }

    const logical: LogicalLine = {
      text: joined,
      startLine,
      endLine,
      comments,
      escape: directives.escape,
      readFollowingLine: () => {
        const line = next();
        if (line) logical.endLine = line.line;
        return line;
      },
    };
    comments = [];
    onLogicalLine(logical);
    lines.push(logical);
  }

  return { lines, directives: directives.directives, escape: directives.escape, warnings };
}
