/**
 * What a Dockerfile rule sees: the IR, the stage graph, which stages make up the final image, the commands
 * each RUN executes (from the shell grammar, never from regular expressions over the text), and a way to
 * point at text inside an instruction.
 */
import type { Dockerfile, EscapeChar, Instruction, RunInstruction, Stage } from '../dockerfile';
import { invokedCommands, type InvokedCommand } from '../shell';
import type { StageBase, StageGraph } from '../stages';
import { classifyBase } from './rules/support/base-images';
import { runScripts, type RunScript } from './run-source';
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

/** File names of Dockerfiles that build a base image: `Dockerfile.base`, `base.Dockerfile`, `base-image.dockerfile`, `base/Dockerfile`. */
const BASE_IMAGE_FILE = /(?:^|[\\/])(?:[^\\/]*[.-])?base(?:[.-]image)?(?:\.dockerfile|[\\/]Dockerfile)$|(?:^|[\\/])Dockerfile[.-](?:[^\\/]*[.-])?base$/i;

/**
 * Why a Dockerfile looks like it builds a base image for other Dockerfiles (see `DockerfileLintContext`), or
 * undefined: it declares ONBUILD triggers for the images built on it; its final image runs nothing of its own
 * (no CMD or ENTRYPOINT in the final lineage, on scratch or a bare distribution — on a server or language
 * image the missing CMD is inherited, as in `FROM nginx` + `COPY site/ …`); or its file name says so.
 */
export function baseImagePurpose(file: string, lineage: readonly Stage[], base: StageBase): string | undefined {
  const instructions = lineage.flatMap((stage) => stage.instructions);
  if (instructions.some((instruction) => instruction.keyword === 'ONBUILD')) return 'it declares ONBUILD triggers for the images built on it';
  const runsNothing = !instructions.some((instruction) => instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT');
  const bare = base.kind === 'scratch' || (base.kind === 'image' && classifyBase(base.reference)?.kind === 'distribution');
  if (runsNothing && bare) return 'its final image sets no CMD or ENTRYPOINT on a bare base';
  if (BASE_IMAGE_FILE.test(file)) return 'its file name says it builds a base image';
  return undefined;
}

/** Shells whose scripts the POSIX grammar does not describe; their RUN lines are not analysed. */
const NON_POSIX_SHELLS = /(?:^|[\\/])(?:pwsh|powershell|cmd)(?:\.exe)?$/i;

/**
 * The commands of every RUN, parsed once on first use, and where each came from. The SHELL in force at each
 * RUN (the last SHELL before it in its stage or the stages it is built FROM) is found in one pass over the
 * stages, so the index costs time linear in the Dockerfile.
 */
export class CommandIndex {
  private readonly cache = new Map<RunInstruction, InvokedCommand[]>();
  private readonly scripts = new Map<InvokedCommand, RunScript>();
  private readonly shells = new Map<RunInstruction, string[] | undefined>();

  constructor(
    stages: readonly Stage[],
    graph: StageGraph,
    private readonly lines: readonly string[],
    private readonly escape: EscapeChar,
  ) {
    const shellAtEnd: Array<string[] | undefined> = [];
    for (const stage of stages) {
      const base = graph.stages[stage.index]?.base;
      let shell = base?.kind === 'stage' ? shellAtEnd[base.index] : undefined;
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'SHELL') shell = instruction.argv;
        else if (instruction.keyword === 'RUN') this.shells.set(instruction, shell);
      }
      shellAtEnd[stage.index] = shell;
    }
  }

  commandsOf(run: RunInstruction): InvokedCommand[] {
    let commands = this.cache.get(run);
    if (commands === undefined) {
      const shell = run.command.form === 'shell' ? this.shells.get(run) : undefined;
      commands = [];
      if (!(shell && NON_POSIX_SHELLS.test(shell[0] ?? ''))) {
        for (const script of runScripts(run, this.lines, this.escape)) {
          for (const command of invokedCommands(script.text)) {
            this.scripts.set(command, script);
            commands.push(command);
          }
        }
      }
      this.cache.set(run, commands);
    }
    return commands;
  }

  /** Where `command` (its name, or its argument at `argument`) is in the Dockerfile; undefined when unknown. */
  locate(command: InvokedCommand, argument?: number): Omit<Location, 'file'> | undefined {
    const script = this.scripts.get(command);
    const span = argument === undefined ? { line: command.line, column: command.column, text: command.name } : command.argSpans[argument];
    if (script === undefined || span === undefined || command.nested === 'shell-string') return undefined;
    const start = script.toFile(span.line, span.column);
    const last = script.toFile(span.line, span.column + Math.max(span.text.length, 1) - 1);
    if (start === undefined || last === undefined) return undefined;
    return { line: start.line, column: start.column, endLine: last.line, endColumn: last.column + 1 };
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

/**
 * Where `word` stands as a whole shell word (between blanks, quotes, `;`, `&`, `|` or `=`…) on the
 * instruction's lines, so that a finding about package `git` points at `git`, not into `digital` or `github`.
 */
export function locateWord(lines: readonly string[], instruction: Instruction, word: string): Omit<Location, 'file'> | undefined {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<=^|[\\s'"=;&|(])${escaped}(?=$|[\\s'";&|)])`);
  for (let line = instruction.range.startLine; line <= instruction.range.endLine; line++) {
    const match = pattern.exec(lines[line - 1] ?? '');
    if (match) return { line, column: match.index + 1, endLine: line, endColumn: match.index + 1 + word.length };
  }
  return undefined;
}
