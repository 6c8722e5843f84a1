/**
 * The user's Dockerfile at the top of the emitted one: byte for byte, except ` AS alias` added to the target
 * stage's FROM when it has none, so the generated stages can name it.
 */
import { parseSyntax, type Dockerfile } from '../../dockerfile';
import { UsageError } from '../../errors';

/** A name for the target stage that no other stage uses. */
export function targetAlias(dockerfile: Dockerfile, target: number): { alias: string; added: boolean } {
  const existing = dockerfile.stages[target].name;
  if (existing) return { alias: existing, added: false };
  const taken = new Set(dockerfile.stages.flatMap((stage) => (stage.name ? [stage.name] : [])));
  for (const candidate of ['original', 'scratchify-original']) if (!taken.has(candidate)) return { alias: candidate, added: true };
  let n = 2;
  while (taken.has(`scratchify-original-${n}`)) n++;
  return { alias: `scratchify-original-${n}`, added: true };
}

/** The original text with ` AS alias` added at the end of the target's FROM (its last physical line). */
export function withAlias(text: string, dockerfile: Dockerfile, target: number, alias: string): string {
  const lines = text.split('\n');
  const index = dockerfile.stages[target].from.range.endLine - 1;
  const line = lines[index];
  const match = /^(.*?)([ \t]*\r?)$/.exec(line) as RegExpExecArray;
  lines[index] = `${match[1]} AS ${alias}${match[2].replace(/^[ \t]*/, '')}`;
  return lines.join('\n');
}

/** Whether the FROM on `line` of `text` is an instruction of its own (not joined to the one before it). */
function startsOwnInstruction(text: string, line: number): boolean {
  try {
    const last = parseSyntax(text).nodes.at(-1);
    return last?.keyword === 'from' && last.startLine === line;
  } catch {
    // The original parses alone, so a syntax error here means the FROM line joined its last instruction.
    return false;
  }
}

/**
 * The original part of the emitted Dockerfile, ending with a line break, and the target's alias. Refused
 * when the file ends inside a continued instruction (BuildKit accepts a continuation at end of file): the
 * stages appended after it would join that instruction. Checked by parsing it with a stage appended.
 */
export function originalPart(text: string, dockerfile: Dockerfile, target: number): { text: string; alias: string } {
  const { alias, added } = targetAlias(dockerfile, target);
  const aliased = added ? withAlias(text, dockerfile, target, alias) : text;
  const part = aliased.endsWith('\n') ? aliased : `${aliased}\n`;
  const appendedLine = part.split('\n').length;
  if (!startsOwnInstruction(`${part}FROM scratch\n`, appendedLine)) {
    throw new UsageError('the Dockerfile ends with a line continuation; remove it so that stages can be appended', {
      file: dockerfile.file,
      line: appendedLine - 1,
    });
  }
  return { text: part, alias };
}
