/**
 * What a Dockerfile rule sees: the IR, the stage graph, which stages make up the final image, the commands
 * each RUN executes (from the shell grammar, never from regular expressions over the text), and a way to
 * point at text inside an instruction.
 */
import type { Dockerfile, Instruction, RunInstruction, Stage } from '../dockerfile/ir';
import { chompedContent } from '../dockerfile/syntax';
import { invokedCommands, type InvokedCommand } from '../shell';
import type { StageBase, StageGraph } from '../stages';
import type { Location } from './types';

/** The stages whose file system is the target image: the target and the stages it is built FROM, oldest first. */
export function finalLineage(dockerfile: Dockerfile, graph: StageGraph): Stage[] {
  const lineage: Stage[] = [];
  let index: number | undefined = graph.target;
  while (index !== undefined) {
    lineage.unshift(dockerfile.stages[index]);
    const base: StageBase = graph.stages[index].base;
    index = base.kind === 'stage' ? base.index : undefined;
  }
  return lineage;
}

/** Single quotes around a word for /bin/sh, so an exec-form argv can go through the same command analysis. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Shells whose scripts the POSIX grammar does not describe; their RUN lines are not analysed. */
const NON_POSIX_SHELLS = /(?:^|[\\/])(?:pwsh|powershell|cmd)(?:\.exe)?$/i;

/** The shell a stage's shell-form RUN uses at `run`: the last SHELL before it in the stage or its parents. */
function shellAt(stages: readonly Stage[], run: RunInstruction): string[] | undefined {
  let shell: string[] | undefined;
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (instruction === run) return shell;
      if (instruction.keyword === 'SHELL') shell = instruction.argv;
    }
  }
  return shell;
}

/**
 * The script text a RUN hands to the shell. `RUN <<EOF` alone runs the heredoc as the script (BuildKit's
 * special case); otherwise heredocs are stdin of the commands and are appended as real here-documents so the
 * shell grammar reads them as such.
 */
function runScripts(run: RunInstruction): string[] {
  if (run.command.form === 'exec') return [run.command.argv.map(shellQuote).join(' ')];
  const script = run.command.script;
  if (run.heredocs.length > 0 && /^\s*(?:\d*<<-?\s*["']?[A-Za-z0-9_.-]+["']?\s*)+$/.test(script)) {
    return run.heredocs
      .map(chompedContent)
      .filter((body) => !/^#!/.test(body) || /^#!\s*\S*\/(?:env\s+)?(?:ba|da|k|a)?sh\b/.test(body));
  }
  return [[script, ...run.heredocs.map((heredoc) => `${heredoc.content}${heredoc.name}`)].join('\n')];
}

export class CommandIndex {
  private readonly cache = new Map<RunInstruction, InvokedCommand[]>();

  constructor(private readonly stages: readonly Stage[]) {}

  commandsOf(run: RunInstruction): InvokedCommand[] {
    let commands = this.cache.get(run);
    if (commands === undefined) {
      const shell = run.command.form === 'shell' ? shellAt(this.stages, run) : undefined;
      commands = shell && NON_POSIX_SHELLS.test(shell[0] ?? '') ? [] : runScripts(run).flatMap((script) => invokedCommands(script));
      this.cache.set(run, commands);
    }
    return commands;
  }
}

/**
 * The location of `near` inside an instruction (its first occurrence on the instruction's lines), or of the
 * whole instruction. Columns are 1-based; the end column is exclusive.
 */
export function locate(lines: readonly string[], instruction: Instruction, near?: string): Omit<Location, 'file'> {
  const { startLine, endLine, startColumn, endColumn } = instruction.range;
  if (near) {
    for (let line = startLine; line <= endLine; line++) {
      const column = (lines[line - 1] ?? '').indexOf(near);
      if (column >= 0) return { line, column: column + 1, endLine: line, endColumn: column + 1 + near.length };
    }
  }
  return { line: startLine, column: startColumn, endLine, endColumn: endColumn + 1 };
}
