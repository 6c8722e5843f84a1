/**
 * Heredocs in RUN, COPY and ADD (BuildKit parser.go `heredocsFromLine`, `heredocFromMatch`).
 *
 * BuildKit lexes the joined line into shell words with backslash as the escape character whatever
 * `# escape=` says, keeping quotes, and takes every word matching `^(\d*)<<(-?)\s*([^<]*)$` as a heredoc.
 * `<< EOF` (with a space) is therefore two words and no heredoc, and a word inside quotes (`"<<EOF"`) does
 * not match. The delimiter is unquoted for its name; if any part of it was quoted, the body is not expanded.
 * dockerfile-ast only reports heredoc ranges (and not for ADD), so names, flags and bodies come from here.
 */
import { DockerfileSyntaxError, type SourceLocation } from '../errors';
import type { RawLine } from './scanner';
import type { Heredoc } from './syntax';

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;

interface WordOptions {
  /** Keep quote characters in the words. */
  rawQuotes: boolean;
  /** Keep backslashes in the words. */
  rawEscapes: boolean;
}

class UnterminatedQuote extends Error {}

/** Whitespace-separated shell words with quotes and backslash escapes, no expansion (`$` stays literal). */
function shellWords(text: string, options: WordOptions): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\') {
      if (options.rawEscapes) word += ch;
      if (i + 1 < text.length) word += text[++i];
      continue;
    }
    if (ch === "'" || ch === '"') {
      const close = findClosingQuote(text, i);
      if (close === -1) throw new UnterminatedQuote();
      const inner = text.slice(i + 1, close);
      const body = ch === '"' && !options.rawEscapes ? inner.replace(/\\([\\"$`])/g, '$1') : inner;
      word += options.rawQuotes ? ch + body + ch : body;
      i = close;
      continue;
    }
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

function findClosingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function quoteCount(word: string): number {
  return (word.match(/['"]/g) ?? []).length;
}

function heredocFromWord(word: string, where: SourceLocation): Omit<Heredoc, 'content'> | undefined {
  const match = HEREDOC_WORD.exec(word);
  if (!match || match[3].length === 0) return undefined;
  const rest = match[3];
  let unquoted: string[];
  let raw: string[];
  try {
    unquoted = shellWords(rest, { rawQuotes: false, rawEscapes: false });
    raw = shellWords(rest, { rawQuotes: true, rawEscapes: false });
  } catch {
    throw new DockerfileSyntaxError(`unterminated quote in heredoc delimiter ${JSON.stringify(word)}`, where);
  }
  if (unquoted.length !== 1 || raw.length !== 1) return undefined;
  const heredoc: Omit<Heredoc, 'content'> = {
    name: unquoted[0],
    expand: quoteCount(unquoted[0]) === quoteCount(raw[0]),
    chomp: match[2] === '-',
  };
  if (match[1] !== '') heredoc.fileDescriptor = Number(match[1]);
  return heredoc;
}

/** The heredocs a logical line opens, in order (bodies not read yet). */
export function heredocsInLine(line: string, where: SourceLocation): Omit<Heredoc, 'content'>[] {
  let words: string[];
  try {
    words = shellWords(line, { rawQuotes: true, rawEscapes: true });
  } catch {
    return []; // BuildKit ignores a lexing failure here: the line simply has no heredocs
  }
  return words.flatMap((word) => heredocFromWord(word, where) ?? []);
}

/** Reads each heredoc's body from the following physical lines, up to its terminator line. */
export function readHeredocBodies(
  heredocs: Omit<Heredoc, 'content'>[],
  readLine: () => RawLine | undefined,
  where: SourceLocation,
): Heredoc[] {
  return heredocs.map((heredoc) => {
    let content = '';
    for (let line = readLine(); line !== undefined; line = readLine()) {
      const candidate = heredoc.chomp ? line.text.replace(/^\t+/, '') : line.text;
      if (candidate === heredoc.name) return { ...heredoc, content };
      content += line.raw;
    }
    throw new DockerfileSyntaxError(`unterminated heredoc ${heredoc.name}`, where);
  });
}
