/**
 * BuildKit's per-instruction argument parsers (frontend/dockerfile/parser/line_parsers.go and
 * split_command.go): how the rest of a logical line becomes flags and arguments for each keyword.
 */
import { DockerfileSyntaxError, type SourceLocation } from '../errors';
import type { EscapeChar } from './syntax';

export interface ParsedArguments {
  args: string[];
  json: boolean;
  /** ONBUILD: the nested instruction's line. */
  subCommand?: string;
}

type LineParser = (rest: string, escape: EscapeChar, where: SourceLocation, keyword: string) => ParsedArguments;

// Go's unicode.IsSpace.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// BuildKit reWhitespace / tokenWhitespace: `[\t\v\f\r ]+`.
const WHITESPACE_RUN = /[\t\v\f\r ]+/;
const WHITESPACE_RUN_GLOBAL = /[\t\v\f\r ]+/g;

function isSpace(ch: string): boolean {
  return GO_SPACE.test(ch);
}

/**
 * Offsets of Go's strings.TrimSpace: the first non-space character and one past the last. Walked by hand:
 * a regexp `\s+$` retries at every character of a long blank run, which is quadratic.
 */
function spaceTrimmedBounds(text: string): [number, number] {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return [start, end];
}

function trimLeadingSpace(text: string): string {
  let start = 0;
  while (start < text.length && isSpace(text[start])) start++;
  return text.slice(start);
}

/** A logical line split into keyword, raw flag words and the rest, with where each flag word starts. */
export interface SplitCommand {
  keyword: string;
  flags: string[];
  rest: string;
  /** Offset in the line of the keyword's first character. */
  keywordOffset: number;
  /** Offset in the line of each flag word's first `-`. */
  flagOffsets: number[];
}

/**
 * Splits `KEYWORD rest` on the first whitespace run after trimming, then pulls leading `--flags` off rest.
 * `trimmed` says the line has no surrounding space already (ONBUILD's trigger, cut from a trimmed line), so
 * a chain of ONBUILDs costs its length once, not once per level.
 */
export function splitCommand(line: string, trimmed = false): SplitCommand {
  const [start, end] = trimmed ? [0, line.length] : spaceTrimmedBounds(line);
  const text = start === 0 && end === line.length ? line : line.slice(start, end);
  const match = WHITESPACE_RUN.exec(text);
  if (!match) return { keyword: text, flags: [], rest: '', keywordOffset: start, flagOffsets: [] };
  const keyword = text.slice(0, match.index);
  const restStart = match.index + match[0].length;
  const { rest, flags, flagOffsets } = extractBuilderFlags(text.slice(restStart));
  return { keyword, flags, rest, keywordOffset: start, flagOffsets: flagOffsets.map((offset) => start + restStart + offset) };
}

/**
 * BuildKit extractBuilderFlags: leading words that start with `--` are flags; quotes inside a flag word are
 * removed and `\` escapes (always backslash, whatever `# escape=` says); a bare `--` ends the flags and is
 * dropped. Returns the rest of the line starting at the first non-flag word, and where each flag began.
 */
export function extractBuilderFlags(line: string): { rest: string; flags: string[]; flagOffsets: number[] } {
  const flags: string[] = [];
  const flagOffsets: number[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let wordStart = 0;
  let quote = '';
  let blankOk = false;
  const push = (): void => {
    flags.push(word);
    flagOffsets.push(wordStart);
  };
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = pos < line.length ? line[pos] : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { rest: line.slice(pos), flags, flagOffsets };
      phase = 'word';
      wordStart = pos;
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOk || word.length > 0)) push();
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        // The golden files show no empty first argument after `--`, so the rest starts at the next word.
        if (word === '--') return { rest: trimLeadingSpace(line.slice(pos)), flags, flagOffsets };
        if (blankOk || word.length > 0) push();
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        pos += 1;
        word += line[pos];
        continue;
      }
      word += ch;
      continue;
    }
    // phase === 'quote'
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      pos += 1;
      word += line[pos];
      continue;
    }
    word += ch;
  }
  return { rest: '', flags, flagOffsets };
}

/**
 * BuildKit parseWords (ENV, LABEL, ARG): whitespace-separated words where quotes group but are kept, and an
 * escape character keeps itself and the next character (except inside single quotes).
 */
export function parseWords(rest: string, escape: EscapeChar): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  const chars = Array.from(rest);
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos] : '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === escape) {
        if (pos + 1 === chars.length) continue; // an escape at the very end is dropped
        word += ch;
        pos += 1;
        ch = chars[pos];
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      pos += 1;
      ch = chars[pos];
    }
    word += ch;
  }
  return words;
}

/** Thrown by `parseJsonArray` for valid JSON that is not an array of strings: BuildKit makes this fatal. */
class NotStringArray extends Error {}

/**
 * BuildKit parseJSON: the text (left-trimmed) must start with `[` and decode as a JSON array of strings.
 * Returns undefined for text that is not valid JSON (callers fall back to shell form), throws NotStringArray
 * for a JSON array holding anything but strings.
 */
function parseJsonArray(rest: string): string[] | undefined {
  const text = trimLeadingSpace(rest);
  if (!text.startsWith('[')) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded)) return undefined;
  if (!decoded.every((item) => typeof item === 'string')) throw new NotStringArray();
  return decoded as string[];
}

function jsonOrFallback(rest: string, where: SourceLocation, fallback: (rest: string) => ParsedArguments): ParsedArguments {
  try {
    const array = parseJsonArray(rest);
    if (array !== undefined) return { args: array, json: true };
  } catch (error) {
    if (error instanceof NotStringArray) {
      throw new DockerfileSyntaxError('only string arrays are allowed in JSON form, e.g. ["executable", "param1"]', where);
    }
    throw error;
  }
  return fallback(rest);
}

const parseString: LineParser = (rest) => ({ args: rest === '' ? [] : [rest], json: false });

const parseStringsWhitespaceDelimited: LineParser = (rest) => ({
  args: rest === '' ? [] : rest.split(WHITESPACE_RUN_GLOBAL),
  json: false,
});

const parseMaybeJson: LineParser = (rest, _escape, where) =>
  rest === '' ? { args: [], json: false } : jsonOrFallback(rest, where, (text) => ({ args: [text], json: false }));

const parseMaybeJsonToList: LineParser = (rest, escape, where, keyword) =>
  jsonOrFallback(rest, where, (text) => parseStringsWhitespaceDelimited(text, escape, where, keyword));

/** ENV and LABEL: `KEY value…` (legacy, separator "") or `k=v k2=v2…` (separator "="). */
const parseNameVal: LineParser = (rest, escape, where, keyword) => {
  const words = parseWords(rest, escape);
  if (words.length === 0) return { args: [], json: false };
  if (!words[0].includes('=')) {
    const match = WHITESPACE_RUN.exec(rest);
    if (!match) throw new DockerfileSyntaxError(`${keyword.toUpperCase()} must have two arguments`, where);
    return { args: [rest.slice(0, match.index), rest.slice(match.index + match[0].length), ''], json: false };
  }
  const args: string[] = [];
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq === -1) {
      throw new DockerfileSyntaxError(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`, where);
    }
    args.push(word.slice(0, eq), word.slice(eq + 1), '=');
  }
  return { args, json: false };
};

const parseNameOrNameVal: LineParser = (rest, escape) => ({ args: parseWords(rest, escape), json: false });

/** HEALTHCHECK: first word is the type (CMD, NONE, …), the rest is parsed like RUN. */
const parseHealthConfig: LineParser = (rest, escape, where, keyword) => {
  let sep = 0;
  while (sep < rest.length && !isSpace(rest[sep])) sep++;
  let next = sep;
  while (next < rest.length && isSpace(rest[next])) next++;
  if (sep === 0) return { args: [], json: false };
  const command = parseMaybeJson(rest.slice(next), escape, where, keyword);
  return { args: [rest.slice(0, sep), ...command.args], json: command.json };
};

const parseSubCommand: LineParser = (rest) => ({ args: [], json: false, subCommand: rest === '' ? undefined : rest });

/** Unknown keywords parse (BuildKit's parseIgnore) and are rejected by the typed layer. */
const parseIgnore: LineParser = () => ({ args: [], json: false });

const DISPATCH: Record<string, LineParser> = {
  add: parseMaybeJsonToList,
  arg: parseNameOrNameVal,
  cmd: parseMaybeJson,
  copy: parseMaybeJsonToList,
  entrypoint: parseMaybeJson,
  env: parseNameVal,
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: parseNameVal,
  maintainer: parseString,
  onbuild: parseSubCommand,
  run: parseMaybeJson,
  shell: parseMaybeJson,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJsonToList,
  workdir: parseString,
};

export function isKnownKeyword(keyword: string): boolean {
  return Object.prototype.hasOwnProperty.call(DISPATCH, keyword.toLowerCase());
}

export function parseArguments(keyword: string, rest: string, escape: EscapeChar, where: SourceLocation): ParsedArguments {
  const lower = keyword.toLowerCase();
  const parser = Object.prototype.hasOwnProperty.call(DISPATCH, lower) ? DISPATCH[lower] : parseIgnore;
  return parser(rest, escape, where, lower);
}
