/**
 * Source columns from dockerfile-ast. BuildKit's parser records lines only; editors, SARIF and GitHub
 * annotations want columns too, and dockerfile-ast tracks them for keywords, arguments and flags.
 * Instructions are matched to ours by their first line.
 */
import { DockerfileParser } from 'dockerfile-ast';

export interface InstructionPosition {
  /** 1-based column of the keyword. */
  keywordColumn: number;
  /** 1-based line and column of the instruction's last character (heredoc bodies included). */
  endLine: number;
  endColumn: number;
  /** 1-based column of each flag's name on the first line, by flag name. */
  flagColumns: Map<string, number>;
}

export function instructionPositions(text: string): Map<number, InstructionPosition> {
  const positions = new Map<number, InstructionPosition>();
  let instructions;
  try {
    instructions = DockerfileParser.parse(text).getInstructions();
  } catch {
    // dockerfile-ast has thrown TypeErrors on odd heredocs in the past (its issues #114–#123); columns then
    // default to 1 rather than failing a parse BuildKit accepts.
    return positions;
  }
  for (const instruction of instructions) {
    const range = instruction.getRange();
    const flagColumns = new Map<string, number>();
    const withFlags = instruction as unknown as { getFlags?: () => { getName(): string; getRange(): { start: { character: number } } }[] };
    for (const flag of withFlags.getFlags?.() ?? []) {
      if (!flagColumns.has(flag.getName())) flagColumns.set(flag.getName(), flag.getRange().start.character + 1);
    }
    positions.set(range.start.line + 1, {
      keywordColumn: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
      flagColumns,
    });
  }
  return positions;
}
