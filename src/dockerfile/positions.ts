/**
 * Source columns of instructions. BuildKit's parser records lines only; editors, SARIF and GitHub
 * annotations want columns too. They come from the scanner's record of which physical line each piece of a
 * logical line came from, with the conventions of dockerfile-ast (the editor-side parser) so that columns
 * match what editors built on it show: UTF-16 code units, the keyword's first character, the instruction's
 * last line up to its end, each flag's leading `--`.
 */
import type { SplitCommand } from './line-parsers';
import type { LogicalLine } from './scanner';

export interface InstructionPosition {
  /** 1-based column of the keyword (1 when the keyword is not on the instruction's first line). */
  keywordColumn: number;
  /** 1-based line, and column just past the last character, of the instruction's last line (heredoc bodies included). */
  endLine: number;
  endColumn: number;
  /** 1-based column of each flag's `--` on the line it is on, by flag name (the first of a repeated flag). */
  flagColumns: ReadonlyMap<string, number>;
}

/** Most instructions have no flags; they share one empty map (a Map per instruction is most of its memory). */
const NO_FLAGS: ReadonlyMap<string, number> = new Map();

/** Line and column of `offset` in the logical line's joined text. */
function locateOffset(line: LogicalLine, offset: number): { line: number; column: number } {
  let low = 0;
  let high = line.pieces.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (line.pieces[middle].offset <= offset) low = middle;
    else high = middle - 1;
  }
  const piece = line.pieces[low];
  return { line: piece.line, column: piece.column + offset - piece.offset };
}

function flagColumns(line: LogicalLine, split: SplitCommand): ReadonlyMap<string, number> {
  if (split.flags.length === 0) return NO_FLAGS;
  const columns = new Map<string, number>();
  split.flags.forEach((word, index) => {
    const body = word.replace(/^--/, '');
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    if (!columns.has(name)) columns.set(name, locateOffset(line, split.flagOffsets[index]).column);
  });
  return columns;
}

export function instructionPosition(line: LogicalLine, split: SplitCommand): InstructionPosition {
  const keyword = locateOffset(line, split.keywordOffset);
  return {
    keywordColumn: keyword.line === line.startLine ? keyword.column : 1,
    endLine: line.endLine,
    endColumn: line.endColumn,
    flagColumns: flagColumns(line, split),
  };
}
