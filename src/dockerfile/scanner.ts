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
import { MAX_DOCKERFILE_BYTES, MAX_LINE_BYTES } from './limits';
import type { Directive, EscapeChar } from './syntax';

/** Where a piece of a logical line's text came from. */
export interface LinePiece {
  /** Offset in the joined text where the piece starts. */
  offset: number;
  /** 1-based physical line and column of its first character. */
  line: number;
  column: number;
}

/** One logical instruction line: continuation lines joined, comments inside dropped, heredoc bodies read. */
export interface LogicalLine {
  /** The joined text, as BuildKit's `Node.Original`. */
  text: string;
  /** 1-based physical lines. */
  startLine: number;
  endLine: number;
  /** 1-based column just past the last character of `endLine` (a byte-order mark counts as a character). */
  endColumn: number;
  /** The physical lines `text` was joined from, in order. */
  pieces: LinePiece[];
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
// BuildKit: reDirectives = `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`. As one RegExp, `(.+?)\s*$` retries the
// trailing `\s*` at every character of a long blank run (quadratic); `directive` matches the same lines in a
// linear pass.
const DIRECTIVE_NAME = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=/;
const SPACE = /\s/;
// What `.` does not match.
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
// Go's unicode.IsSpace for the leading-whitespace trims (ASCII part plus the Unicode spaces Go recognises).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** The physical lines of a text, one at a time, so a file of millions of lines never holds them all. */
class PhysicalLines {
  private start = 0;
  private number = 1;
  private bytes = 0;

  constructor(
    private readonly text: string,
    private readonly file?: string,
  ) {}

  /** The next line, checked against the limits as it is read (BuildKit's line limit fails there too). */
  next(): RawLine | undefined {
    if (this.start >= this.text.length) return undefined;
    const newline = this.text.indexOf('\n', this.start);
    const end = newline === -1 ? this.text.length : newline + 1;
    const raw = this.text.slice(this.start, end);
    const line: RawLine = { raw, text: trimNewline(raw), line: this.number };
    this.number += 1;
    this.start = end;
    const bytes = Buffer.byteLength(raw, 'utf8');
    const where = { file: this.file, line: line.line, column: 1 };
    // BuildKit's scanner holds a line and its `\n` in a 64 KiB buffer.
    if (bytes - (newline === -1 ? 0 : 1) > MAX_LINE_BYTES) {
      throw new DockerfileSyntaxError(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, where);
    }
    this.bytes += bytes;
    if (this.bytes > MAX_DOCKERFILE_BYTES) {
      throw new DockerfileSyntaxError(`Dockerfile larger than ${MAX_DOCKERFILE_BYTES} bytes (scratchify's limit, see docs/limits.md)`, where);
    }
    return line;
  }
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

function continuationPattern(escape: EscapeChar): RegExp {
  const e = escapeRegExp(escape);
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

const CONTINUATION: Record<EscapeChar, RegExp> = { '\\': continuationPattern('\\'), '`': continuationPattern('`') };


/**
 * BuildKit trimContinuationCharacter: a line continues when it ends in the escape character, optionally
 * followed by spaces or tabs, unless that escape character is itself escaped (`\\` at the end does not
 * continue). A line that is only the escape character continues with nothing.
 */
export function trimContinuation(text: string, escape: EscapeChar): { text: string; continues: boolean } {
  const pattern = CONTINUATION[escape];
  const match = pattern.exec(text);
  if (!match) return { text, continues: false };
  return { text: text.slice(0, match.index) + (match[1] ?? ''), continues: true };
}

/** Name and value of a `# name=value` line, as the directive regexp above would capture them. */
function directive(text: string): { name: string; value: string } | undefined {
  const head = DIRECTIVE_NAME.exec(text);
  if (head === null) return undefined;
  const rest = text.slice(head[0].length);
  let start = 0;
  while (start < rest.length && SPACE.test(rest[start])) start++;
  let end = rest.length;
  while (end > start && SPACE.test(rest[end - 1])) end--;
  if (start < end) {
    const value = rest.slice(start, end);
    return LINE_TERMINATOR.test(value) ? undefined : { name: head[1], value };
  }
  // Only blanks after `=`: the lazy `.+?` still takes one, the last one `.` can match.
  for (let index = rest.length - 1; index >= 0; index--) {
    if (!LINE_TERMINATOR.test(rest[index])) return { name: head[1], value: rest[index] };
  }
  return undefined;
}

/** Parser-directive state, as BuildKit's DirectiveParser: only the leading run of known directives counts. */
export class DirectiveReader {
  private done = false;
  readonly directives: Directive[] = [];
  escape: EscapeChar = '\\';

  constructor(private readonly file?: string) {}

  read(text: string, line: number): void {
    if (this.done) return;
    const match = directive(text);
    if (!match || !KNOWN_DIRECTIVES.has(match.name.toLowerCase())) {
      this.done = true;
      return;
    }
    const name = match.name.toLowerCase() as Directive['name'];
    const value = match.value;
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
  directives: Directive[];
  escape: EscapeChar;
  warnings: ScanWarning[];
}

/**
 * Reads the logical lines of a Dockerfile. `onLogicalLine` is called for each one before scanning goes on,
 * so the caller can consume heredoc bodies through `readFollowingLine` (as BuildKit does inline).
 */
export function scanDockerfile(text: string, onLogicalLine: (line: LogicalLine) => void, file?: string): ScanResult {
  const physical = new PhysicalLines(text, file);
  const directives = new DirectiveReader(file);
  const warnings: ScanWarning[] = [];
  let comments: string[] = [];

  const next = (): RawLine | undefined => physical.next();

  // BuildKit processLine: strip newline, optionally leading whitespace, feed the directive reader, drop comments.
  const processLine = (raw: RawLine, stripLeft: boolean): string => {
    let text = raw.text;
    if (stripLeft) text = trimLeadingWhitespace(text);
    directives.read(text, raw.line);
    return isComment(text) ? '' : text;
  };

  for (let raw = next(); raw !== undefined; raw = next()) {
    // Columns count a byte-order mark as a character, as editors show it.
    let bomColumns = 0;
    if (raw.line === 1 && raw.text.startsWith(UTF8_BOM)) {
      raw = { ...raw, raw: raw.raw.slice(1), text: raw.text.slice(1) };
      bomColumns = 1;
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
    let endColumn = bomColumns + raw.text.length + 1;
    const pieces: LinePiece[] = [{ offset: 0, line: raw.line, column: bomColumns + raw.text.length - trimLeadingWhitespace(raw.text).length + 1 }];
    let warnedEmptyLine = false;
    while (continues) {
      const following = next();
      if (following === undefined) break; // BuildKit accepts a continuation at end of file
      const processedFollowing = processLine(following, false);
      if (isComment(following.text)) continue; // comment lines inside a continuation vanish entirely
      if (trimLeadingWhitespace(processedFollowing) === '') {
        // One warning per instruction, at its first empty line, as BuildKit gives one per instruction.
        if (!warnedEmptyLine) {
          warnings.push({ line: following.line, message: 'Empty continuation line found: empty continuation lines will become errors in a future release' });
          warnedEmptyLine = true;
        }
        continue;
      }
      const trimmed = trimContinuation(processedFollowing, directives.escape);
      pieces.push({ offset: joined.length, line: following.line, column: 1 });
      joined += trimmed.text;
      continues = trimmed.continues;
      endLine = following.line;
      endColumn = following.text.length + 1;
    }

    const logical: LogicalLine = {
      text: joined,
      startLine,
      endLine,
      endColumn,
      pieces,
      comments,
      escape: directives.escape,
      readFollowingLine: () => {
        const line = next();
        if (line) {
          logical.endLine = line.line;
          logical.endColumn = line.text.length + 1;
        }
        return line;
      },
    };
    comments = [];
    onLogicalLine(logical);
  }

  return { directives: directives.directives, escape: directives.escape, warnings };
}
