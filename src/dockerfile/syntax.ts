/**
 * The syntax tree BuildKit's parser produces (parser.Node), before any typing: an instruction keyword, its
 * raw flag words, and its arguments split the way that instruction's line parser splits them. Nothing is
 * expanded or validated here beyond what BuildKit's parser itself rejects. The typed IR (`ir.ts`) is built
 * from this, and `dump.ts` prints it in BuildKit's golden-file format.
 */

import type { InstructionPosition } from './positions';

export type EscapeChar = '\\' | '`';

export interface Directive {
  name: 'syntax' | 'escape' | 'check';
  value: string;
  /** 1-based line. */
  line: number;
}

export interface Heredoc {
  /** Delimiter word with quotes removed (`<<'EOF'` → `EOF`). */
  name: string;
  /** File descriptor prefix (`3<<EOF`), when given. */
  fileDescriptor?: number;
  /** False when any part of the delimiter was quoted: the body is then taken literally. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from body lines (applied by `chompedContent`). */
  chomp: boolean;
  /** Body exactly as written, every line with its newline, without the terminator line. */
  content: string;
}

export interface SyntaxNode {
  /** Instruction keyword, lower-cased (BuildKit stores it lower-cased). */
  keyword: string;
  /** Flag words as written minus quotes (`--from=build`), in order. */
  flags: string[];
  /** Arguments after the instruction's line parser. For ENV/LABEL: key, value, separator triples. */
  args: string[];
  /** Exec (JSON) form. */
  json: boolean;
  /** ONBUILD's trigger instruction. */
  child?: SyntaxNode;
  heredocs: Heredoc[];
  /** The joined logical line, as BuildKit's `Original`. */
  original: string;
  /** 1-based lines spanned, heredoc bodies included. */
  startLine: number;
  endLine: number;
  comments: string[];
  /** Columns, which BuildKit does not record; absent for ONBUILD's trigger, which shares its line. */
  position?: InstructionPosition;
}

export interface SyntaxTree {
  directives: Directive[];
  escape: EscapeChar;
  nodes: SyntaxNode[];
  warnings: { line: number; message: string }[];
}

/** BuildKit's ChompHeredocContent: for `<<-`, strip leading tabs from every body line. */
export function chompedContent(heredoc: Heredoc): string {
  return heredoc.chomp ? heredoc.content.replace(/^\t+/gm, '') : heredoc.content;
}
