/**
 * Dockerfile IR → stage graph: expands each stage with BuildKit's scoping, finds the edges (`FROM <stage>`,
 * `COPY --from`, `RUN --mount=from=`), picks the target and what it needs, and computes the runtime
 * contract each stage's image would carry.
 */
import { posix } from 'node:path';
import { DockerfileSyntaxError, ScratchifyError, UsageError } from '../errors';
import type { CommandForm, Dockerfile, Instruction, Stage } from '../dockerfile';
import { readMount } from '../dockerfile/mount';
import { ExpansionBudget } from '../expand';
import { PersistentList, PersistentMap } from './persistent-map';
import { normalizeWorkdir, pathRelativeToWorkdir, PlatformPathError } from './paths';
import { inferredPlatform, platformOS } from './platform';
import { evaluateGlobalArgs, expandIn, expandWordsIn, platformArgs, Scope, type ExpandContext } from './scope';
import type { CopyRecord, ResolvedStage, RuntimeContract, StageBase, StageDependency, StageGraph } from './types';

export interface ResolveOptions {
  /** `--target`: a stage name (case-insensitive) or index. Default: the last stage. */
  target?: string;
  /** `--build-arg K=V` values. */
  buildArgs?: Record<string, string>;
  /**
   * Target platform for the predefined ARGs and for how paths are read, e.g. `linux/amd64`. Default: this
   * machine's, or `windows/<arch>` for a Dockerfile written for Windows (see platform.ts).
   */
  platform?: string;
}

/** The fields of a runtime contract that are replaced whole, never grown. */
type ContractScalars = Omit<RuntimeContract, 'env' | 'exposedPorts' | 'volumes' | 'labels' | 'onBuild'>;

/**
 * A stage's runtime contract while it is resolved. The growing parts are immutable collections, so a stage
 * built FROM another starts from its parent's contract without copying it; `toContract` builds the plain
 * object when someone asks for it.
 */
class ContractState {
  constructor(
    /** Kept in the order fields were first set, which is the order `toContract` gives them. */
    public scalars: ContractScalars = {},
    public env = PersistentMap.empty<string>(),
    public labels = PersistentMap.empty<string>(),
    public exposedPorts = PersistentMap.empty<true>(),
    public volumes = PersistentMap.empty<true>(),
    public onBuild = PersistentList.empty<string>(),
  ) {}

  inherit(): ContractState {
    return new ContractState({ ...this.scalars }, this.env, this.labels, this.exposedPorts, this.volumes, this.onBuild);
  }

  toContract(): RuntimeContract {
    return {
      env: Object.fromEntries(this.env.entries()),
      exposedPorts: this.exposedPorts.keys().sort(),
      volumes: this.volumes.keys(),
      labels: Object.fromEntries(this.labels.entries()),
      onBuild: this.onBuild.toArray(),
      // A copy, so that no two contracts share an array.
      ...(JSON.parse(JSON.stringify(this.scalars)) as ContractScalars),
    };
  }
}

/** Exec form stays as written; shell form runs as `SHELL` (default `/bin/sh -c`) plus the script. */
function commandArgv(command: CommandForm, shell: string[] | undefined): string[] {
  return command.form === 'exec' ? command.argv : [...(shell ?? ['/bin/sh', '-c']), command.script];
}

/**
 * The stages by name (lower-cased), and how many there are. With a name used twice the later stage holds it, as
 * in dockerfile2llb's `addState`.
 */
interface StageNames {
  byName: Map<string, number>;
  count: number;
}

function stageNames(stages: Stage[]): StageNames {
  const byName = new Map<string, number>();
  for (const stage of stages) if (stage.name !== undefined) byName.set(stage.name, stage.index);
  return { byName, count: stages.length };
}

/** How a `--from` value names a stage: an index, a name (case-insensitive), or else an image. */
function lookupStage(reference: string, names: StageNames): number | undefined {
  if (/^\d+$/.test(reference)) return Number(reference);
  return names.byName.get(reference.toLowerCase());
}

function dependencyOn(reference: string, via: StageDependency['via'], line: number, names: StageNames, current: number, file?: string): StageDependency {
  const index = lookupStage(reference, names);
  if (index === undefined) return { via, image: reference, line };
  if (index >= current) {
    const what = /^\d+$/.test(reference) ? `stage index ${index}` : `stage "${reference}"`;
    throw new DockerfileSyntaxError(
      index >= names.count ? `invalid stage index ${index}` : `${what} needs to be defined before the current stage`,
      { file, line, column: 1 },
    );
  }
  return { via, stage: index, line };
}

interface StageState {
  scope: Scope;
  contract: ContractState;
  copies: PersistentList<CopyRecord>;
  /** The OS the stage is built for: how its paths read. */
  os: string;
  /**
   * The first error BuildKit raises only when it dispatches the stage (a bad `--mount` option, a WORKDIR on
   * another drive): thrown when the target needs the stage, ignored otherwise, as BuildKit never dispatches it.
   */
  dispatchError?: ScratchifyError;
}

/** Records the first dispatch-time error of a stage. */
function dispatchError(state: StageState, message: string, location: { line: number; column: number }, file: string | undefined): void {
  state.dispatchError ??= new DockerfileSyntaxError(message, { file, ...location });
}

/** `RUN --mount` values read strictly with the stage's variables (commands_runmount.go, convert_runmount.go). */
function checkMounts(instruction: Instruction & { keyword: 'RUN' }, state: StageState, expand: (word: string) => string, location: { line: number; column: number }, file: string | undefined): void {
  for (const flag of instruction.flags) {
    if (flag.name !== 'mount' || flag.value === undefined) continue;
    let reading;
    try {
      reading = readMount(flag.value, expand);
    } catch (error) {
      if (!(error instanceof ScratchifyError)) throw error;
      dispatchError(state, error.message, location, file);
      return;
    }
    if (reading.problem !== undefined) {
      dispatchError(state, reading.problem, location, file);
      return;
    }
    const mount = reading.mount;
    if (!mount || mount.type === 'secret' || mount.type === 'ssh') continue;
    // A relative or missing target is joined to the working directory, and exactly `/` is refused. The
    // working directory is known when the Dockerfile set one or the stage starts from scratch.
    if (state.os === 'windows') continue;
    const scalars = state.contract.scalars;
    const workdir = scalars.workdir ?? (scalars.inheritsFrom === undefined ? '/' : undefined);
    const target = mount.target ?? '';
    const absolute = target.startsWith('/') ? target : workdir === undefined ? undefined : posix.join('/', workdir, target);
    if (absolute === '/' || absolute === '/.') {
      dispatchError(state, 'invalid mount target "/"', location, file);
      return;
    }
  }
}

function applyInstruction(
  instruction: Instruction,
  state: StageState,
  context: ExpandContext,
  buildArgs: Record<string, string>,
  globals: Map<string, string | undefined>,
  builtins: Record<string, string>,
): void {
  const { scope, os, contract: { scalars: contract } } = state;
  const location = { line: instruction.range.startLine, column: instruction.range.startColumn };
  const expand = (word: string): string => expandIn(scope, word, context, location);
  switch (instruction.keyword) {
    case 'RUN':
      checkMounts(instruction, state, expand, location, context.file);
      return;
    case 'ARG':
      for (const arg of instruction.args) {
        let value: string | undefined;
        if (Object.prototype.hasOwnProperty.call(buildArgs, arg.name)) value = buildArgs[arg.name];
        else if (arg.defaultValue !== undefined) value = expand(arg.defaultValue);
        else if (globals.has(arg.name)) value = globals.get(arg.name);
        else if (Object.prototype.hasOwnProperty.call(builtins, arg.name)) value = builtins[arg.name];
        scope.setArg(arg.name, value);
      }
      return;
    case 'ENV': {
      // Every pair of one ENV line is expanded against the scope before the line: BuildKit expands the
      // whole instruction, then applies it (`ENV a=1 b=$a` gives b the *old* a).
      const expanded = instruction.pairs.map((pair) => [expand(pair.key), expand(pair.value)] as const);
      for (const [key, value] of expanded) {
        state.contract.env = state.contract.env.set(key, value);
        scope.setEnv(key, value);
      }
      return;
    }
    case 'LABEL':
      for (const pair of instruction.pairs) state.contract.labels = state.contract.labels.set(expand(pair.key), expand(pair.value));
      return;
    case 'COPY':
    case 'ADD': {
      // Heredoc sources are names, not paths; everything else is expanded word by word, never re-split.
      const heredocNames = new Set(instruction.heredocs.map((heredoc) => `<<${heredoc.name}`));
      const sources = instruction.sources.map((source) => (heredocNames.has(source) ? source : expand(source)));
      let destination: string;
      try {
        destination = pathRelativeToWorkdir(contract.workdir, expand(instruction.destination), os);
      } catch (error) {
        if (!(error instanceof PlatformPathError)) throw error;
        dispatchError(state, `removing drive letter: ${error.message}`, location, context.file);
        return;
      }
      const record: CopyRecord = { keyword: instruction.keyword, sources, destination, line: location.line };
      if (instruction.keyword === 'COPY' && instruction.from !== undefined) record.from = instruction.from;
      if (instruction.chown !== undefined) record.chown = expand(instruction.chown);
      if (instruction.chmod !== undefined) record.chmod = expand(instruction.chmod);
      state.copies = state.copies.append(record);
      return;
    }
    case 'WORKDIR':
      try {
        contract.workdir = normalizeWorkdir(contract.workdir, expand(instruction.path), os);
      } catch (error) {
        if (!(error instanceof PlatformPathError)) throw error;
        dispatchError(state, `normalizing workdir: normalizing working directory: removing drive letter: ${error.message}`, location, context.file);
      }
      return;
    case 'USER':
      contract.user = expand(instruction.user);
      return;
    case 'EXPOSE':
      // BuildKit splits EXPOSE words after expansion (`EXPOSE $PORTS` with PORTS="80 443" is two ports).
      for (const expanded of instruction.ports.flatMap((port) => expandWordsIn(scope, port, context, location))) {
        const normalized = expanded.includes('/') ? expanded : `${expanded}/tcp`;
        state.contract.exposedPorts = state.contract.exposedPorts.set(normalized, true);
      }
      return;
    case 'VOLUME':
      for (const path of instruction.paths) state.contract.volumes = state.contract.volumes.set(expand(path), true);
      return;
    case 'STOPSIGNAL':
      contract.stopSignal = expand(instruction.signal);
      return;
    case 'SHELL':
      contract.shell = instruction.argv;
      return;
    case 'ENTRYPOINT':
      contract.entrypoint = commandArgv(instruction.command, contract.shell);
      contract.entrypointForm = instruction.command.form;
      // Docker: setting ENTRYPOINT resets a CMD inherited from the base (a CMD in this stage before it too).
      delete contract.cmd;
      delete contract.cmdForm;
      return;
    case 'CMD':
      contract.cmd = commandArgv(instruction.command, contract.shell);
      contract.cmdForm = instruction.command.form;
      return;
    case 'HEALTHCHECK':
      if (instruction.test.kind === 'none') {
        contract.healthcheck = { test: ['NONE'] };
        return;
      }
      contract.healthcheck = {
        test: instruction.test.command.form === 'exec'
          ? ['CMD', ...instruction.test.command.argv]
          : ['CMD-SHELL', instruction.test.command.script],
        interval: instruction.interval,
        timeout: instruction.timeout,
        startPeriod: instruction.startPeriod,
        startInterval: instruction.startInterval,
        retries: instruction.retries,
      };
      for (const key of Object.keys(contract.healthcheck) as (keyof typeof contract.healthcheck)[]) {
        if (contract.healthcheck[key] === undefined) delete contract.healthcheck[key];
      }
      return;
    case 'ONBUILD':
      state.contract.onBuild = state.contract.onBuild.append(instruction.original.replace(/^\s*onbuild\s+/i, ''));
      return;
    default:
      return;
  }
}

function stageDependencies(stage: Stage, names: StageNames, context: ExpandContext): StageDependency[] {
  const dependencies: StageDependency[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'COPY' && instruction.from !== undefined) {
      dependencies.push(dependencyOn(instruction.from, 'copy', instruction.range.startLine, names, stage.index, context.file));
    }
    if (instruction.keyword === 'RUN') {
      for (const mount of instruction.mounts) {
        if (mount.from !== undefined) {
          dependencies.push(dependencyOn(mount.from, 'mount', instruction.range.startLine, names, stage.index, context.file));
        }
      }
    }
  }
  return dependencies;
}

/** Resolves the stages of a parsed Dockerfile with BuildKit's ARG/ENV rules and picks the target. */
export function resolveStages(dockerfile: Dockerfile, options: ResolveOptions = {}): StageGraph {
  if (dockerfile.stages.length === 0) {
    throw new DockerfileSyntaxError('no build stage in the Dockerfile (a FROM instruction is required)', { file: dockerfile.file, line: 1, column: 1 });
  }
  const context: ExpandContext = { escape: dockerfile.escape, file: dockerfile.file, budget: new ExpansionBudget() };
  const buildArgs = options.buildArgs ?? {};
  const targetPlatform = options.platform ?? inferredPlatform(dockerfile);
  const builtins = platformArgs(targetPlatform);
  const globals = evaluateGlobalArgs(dockerfile.globalArgs, buildArgs, builtins, context);
  const fromScope = new Scope(PersistentMap.from([...Object.entries(builtins), ...globals]));
  const names = stageNames(dockerfile.stages);
  const finalStates: StageState[] = [];
  const resolved: ResolvedStage[] = [];
  const namedSoFar = new Map<string, number>();

  for (const stage of dockerfile.stages) {
    const line = stage.from.range.startLine;
    const location = { line, column: stage.from.range.startColumn };
    const baseName = expandIn(fromScope, stage.from.image, context, location);
    const platform = stage.from.platform === undefined ? undefined : expandIn(fromScope, stage.from.platform, context, location);
    if (baseName === '') {
      throw new DockerfileSyntaxError('base name (' + stage.from.image + ') should not be blank', { file: context.file, ...location });
    }
    // FROM looks a name up among the stages before it (the later of two with the same name).
    const parentIndex = namedSoFar.get(baseName.toLowerCase());
    let base: StageBase;
    let state: StageState;
    if (parentIndex !== undefined) {
      base = { kind: 'stage', index: parentIndex };
      const parent = finalStates[parentIndex];
      state = { scope: parent.scope.inherit(), contract: parent.contract.inherit(), copies: parent.copies, os: platform === undefined ? parent.os : platformOS(platform) };
    } else {
      base = baseName === 'scratch' ? { kind: 'scratch' } : { kind: 'image', reference: baseName };
      const contract = new ContractState(base.kind === 'image' ? { inheritsFrom: base.reference } : {});
      state = { scope: new Scope(), contract, copies: PersistentList.empty(), os: platformOS(platform ?? targetPlatform) };
    }
    for (const instruction of stage.instructions) applyInstruction(instruction, state, context, buildArgs, globals, builtins);
    const dependencies: StageDependency[] = [];
    if (base.kind === 'stage') dependencies.push({ via: 'from', stage: base.index, line });
    else if (base.kind === 'image') dependencies.push({ via: 'from', image: base.reference, line });
    dependencies.push(...stageDependencies(stage, names, context));
    if (stage.name !== undefined) namedSoFar.set(stage.name, stage.index);
    finalStates.push(state);
    resolved.push(resolvedStage({ index: stage.index, name: stage.name, base, baseName, platform, dependencies, line }, state));
  }

  const target = selectTarget(dockerfile, names, options.target);
  const needed = neededStages(resolved, target);
  const failed = needed.find((index) => finalStates[index].dispatchError !== undefined);
  if (failed !== undefined) throw finalStates[failed].dispatchError;
  const neededSet = new Set(needed);
  const images = [...new Set(needed.flatMap((index) => resolved[index].dependencies.flatMap((d) => (d.image ? [d.image] : []))))];
  return {
    stages: resolved,
    target,
    needed,
    unused: resolved.map((stage) => stage.index).filter((index) => !neededSet.has(index)),
    images,
  };
}

/**
 * The resolved stage, its contract and copies built on first use: stages in a long FROM chain share their
 * state, and giving every one of them its own plain copy up front would be quadratic.
 */
function resolvedStage(fields: Omit<ResolvedStage, 'contract' | 'copies'>, state: StageState): ResolvedStage {
  const { line, ...before } = fields;
  let contract: RuntimeContract | undefined;
  let copies: CopyRecord[] | undefined;
  const stage = { ...before } as ResolvedStage;
  Object.defineProperty(stage, 'contract', { enumerable: true, get: () => (contract ??= state.contract.toContract()) });
  Object.defineProperty(stage, 'copies', { enumerable: true, get: () => (copies ??= state.copies.toArray()) });
  stage.line = line;
  return stage;
}

/** Stage names shown in a "could not be found" message; a file with thousands of stages gets a shortened list. */
const LISTED_STAGE_NAMES = 20;

function selectTarget(dockerfile: Dockerfile, stages: StageNames, target: string | undefined): number {
  if (target === undefined) return dockerfile.stages.length - 1;
  const index = lookupStage(target, stages);
  if (index === undefined || index >= dockerfile.stages.length) {
    const names = dockerfile.stages.flatMap((stage) => (stage.name ? [stage.name] : []));
    const listed = names.length > LISTED_STAGE_NAMES ? [...names.slice(0, LISTED_STAGE_NAMES), `… ${names.length - LISTED_STAGE_NAMES} more`] : names;
    const known = names.length > 0 ? ` (stages: ${listed.join(', ')})` : '';
    throw new UsageError(`target stage "${target}" could not be found${known}`, { file: dockerfile.file });
  }
  return index;
}

/**
 * Depth-first over the edges from the target: dependencies first, each stage once. The walk keeps its own
 * stack, as a chain of thousands of stages would overflow the call stack.
 */
function neededStages(stages: ResolvedStage[], target: number): number[] {
  const order: number[] = [];
  const visited = new Set<number>([target]);
  // Each entry: a stage, and how many of its dependencies have been looked at.
  const pending: [number, number][] = [[target, 0]];
  while (pending.length > 0) {
    const top = pending[pending.length - 1];
    const [index, next] = top;
    const dependencies = stages[index].dependencies;
    if (next === dependencies.length) {
      pending.pop();
      order.push(index);
      continue;
    }
    top[1] = next + 1;
    const dependency = dependencies[next].stage;
    if (dependency !== undefined && !visited.has(dependency)) {
      visited.add(dependency);
      pending.push([dependency, 0]);
    }
  }
  return order;
}
