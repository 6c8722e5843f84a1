/**
 * What the hygiene rules (pinning, pipefail, `-y`, sudo…) share: the stages the target needs and their RUN
 * instructions with the commands the shell grammar found. Unlike the size rules, which judge only the final
 * image's lineage, these judge every stage BuildKit builds: an unpinned package or a failing pipe in a build
 * stage changes what the final image gets. Stages the target does not need are not built and not judged.
 */
import type { Instruction, RunInstruction, Stage } from '../../../dockerfile/ir';
import type { InvokedCommand } from '../../../shell';
import type { DockerfileLintContext } from '../../types';
import { packageOperations, type PackageOperation } from './packages';

export interface StageRun {
  run: RunInstruction;
  stage: Stage;
  commands: readonly InvokedCommand[];
  operations: PackageOperation[];
  /** The SHELL in force for this RUN (the last SHELL before it in its stage or the stages it is built FROM), if any. */
  shell?: readonly string[];
}

const RUNS = new WeakMap<object, StageRun[]>();

/** The stages the target needs, in file order. */
export function neededStages(context: DockerfileLintContext): Stage[] {
  const needed = new Set(context.graph.needed);
  return context.dockerfile.stages.filter((stage) => needed.has(stage.index));
}

/** The RUN instructions of the stages the target needs, in file order (ONBUILD triggers not included: they run in another build). */
export function neededRuns(context: DockerfileLintContext): StageRun[] {
  const cached = RUNS.get(context.graph);
  if (cached) return cached;
  const runs: StageRun[] = [];
  const shellAtEnd = new Map<number, readonly string[] | undefined>();
  const needed = new Set(context.graph.needed);
  for (const stage of context.dockerfile.stages) {
    const base = context.graph.stages[stage.index].base;
    let shell = base.kind === 'stage' ? shellAtEnd.get(base.index) : undefined;
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'SHELL') shell = instruction.argv;
      if (instruction.keyword !== 'RUN' || !needed.has(stage.index)) continue;
      const commands = context.commandsOf(instruction);
      runs.push({ run: instruction, stage, commands, operations: packageOperations(commands), ...(shell ? { shell } : {}) });
    }
    shellAtEnd.set(stage.index, shell);
  }
  RUNS.set(context.graph, runs);
  return runs;
}

/** Every instruction of the file in order, FROM lines included, ONBUILD triggers not. */
export function allInstructions(context: DockerfileLintContext): Instruction[] {
  return [...context.dockerfile.preamble, ...context.dockerfile.stages.flatMap((stage) => [stage.from, ...stage.instructions])];
}

/** The instruction keyword as written in the Dockerfile (`from`, `Run`…): BuildKit's `Original` starts with it. */
export function writtenKeyword(instruction: Instruction): string {
  return /^\s*(\S+)/.exec(instruction.original)?.[1] ?? instruction.keyword;
}

/** The base name of a command (`/usr/bin/apt-get` → `apt-get`). */
export function programName(command: InvokedCommand): string {
  return command.name.slice(command.name.lastIndexOf('/') + 1);
}
