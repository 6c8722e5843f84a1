/**
 * Inline control of the linter, written as Dockerfile comments:
 * - `# scratchify-ignore RULE[,RULE…]` in the comments directly above an instruction ignores those rules
 *   for that instruction (all rules when none is named);
 * - `# scratchify-ignore-file [RULE,…]` anywhere outside an instruction ignores them for the whole file.
 * Text after ` -- ` is a free-form reason, as in ESLint's directive comments.
 */
import type { Dockerfile, Instruction } from '../dockerfile/ir';

const ALL = '*';

export interface Suppressions {
  /** Rules ignored in the whole file (`*` for all). */
  file: Set<string>;
  /** Per instruction, by its line range. */
  instructions: Array<{ startLine: number; endLine: number; rules: Set<string> }>;
}

/** The rule ids of a pragma's argument text; `*` when it names none. */
function ruleList(argument: string | undefined): Set<string> {
  const names = (argument ?? '').split(' -- ')[0].split(/[\s,]+/).filter(Boolean);
  return new Set(names.length === 0 ? [ALL] : names);
}

const IGNORE = /^\s*scratchify-ignore(?:\s+(.*))?$/;
const IGNORE_FILE = /^\s*#\s*scratchify-ignore-file(?:\s+(.*))?$/;

function everyInstruction(dockerfile: Dockerfile): Instruction[] {
  return [...dockerfile.preamble, ...dockerfile.stages.flatMap((stage) => [stage.from, ...stage.instructions])];
}

export function readSuppressions(dockerfile: Dockerfile, lines: readonly string[]): Suppressions {
  const instructions = everyInstruction(dockerfile);
  const suppressions: Suppressions = { file: new Set(), instructions: [] };
  for (const instruction of instructions) {
    const rules = new Set<string>();
    for (const comment of instruction.comments) {
      const match = IGNORE.exec(comment);
      if (match) for (const rule of ruleList(match[1])) rules.add(rule);
    }
    if (rules.size > 0) suppressions.instructions.push({ startLine: instruction.range.startLine, endLine: instruction.range.endLine, rules });
  }
  // Lines inside an instruction (heredoc bodies, continuation comments) are not file pragmas.
  const inside = new Set<number>();
  for (const { range } of instructions) for (let line = range.startLine + 1; line <= range.endLine; line++) inside.add(line);
  lines.forEach((text, index) => {
    if (inside.has(index + 1)) return;
    const match = IGNORE_FILE.exec(text);
    if (match) for (const rule of ruleList(match[1])) suppressions.file.add(rule);
  });
  return suppressions;
}

/** Whether a finding of `ruleId` at `line` (undefined: the whole file) is ignored by a pragma. */
export function isSuppressed(suppressions: Suppressions, ruleId: string, line: number | undefined): boolean {
  const matches = (rules: Set<string>): boolean => rules.has(ALL) || rules.has(ruleId);
  if (matches(suppressions.file)) return true;
  if (line === undefined) return false;
  return suppressions.instructions.some((entry) => line >= entry.startLine && line <= entry.endLine && matches(entry.rules));
}
