/**
 * ARG and ENV scoping as BuildKit applies it (dockerfile2llb/convert.go, reference "ARG"):
 * - global ARGs (before the first FROM) are seen by FROM lines only, each default expanded with the ones
 *   before it, `--build-arg` overriding; inside a stage a global ARG is seen only after `ARG NAME`;
 * - the automatic platform ARGs are seen by FROM, and inside a stage after `ARG TARGETARCH` etc.;
 * - an ARG is in effect from its line on; ENV wins over an ARG of the same name;
 * - a stage built FROM another stage inherits that stage's ARGs and ENVs.
 */
import { ExpansionError, type SourceLocation } from '../errors';
import { expandWord, expandWords, type ExpansionBudget, type ExpansionEnv } from '../expand';
import type { ArgInstruction, EscapeChar } from '../dockerfile';
import { PersistentMap } from './persistent-map';

/** The platform ARGs BuildKit predefines, for a build on and for this machine's platform. */
export function platformArgs(platform = defaultPlatform()): Record<string, string> {
  const [os, arch, variant = ''] = platform.split('/');
  const values: Record<string, string> = {};
  for (const prefix of ['BUILD', 'TARGET']) {
    values[`${prefix}PLATFORM`] = platform;
    values[`${prefix}OS`] = os;
    values[`${prefix}ARCH`] = arch;
    values[`${prefix}VARIANT`] = variant;
  }
  return values;
}

export function defaultPlatform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' }[process.arch as string];
  return `linux/${arch ?? process.arch}`;
}

/**
 * The variables in force at one point of a stage, and the environment its words are expanded against:
 * ENV wins over ARG, and an ARG declared without a value is not set. `args` and `env` are kept apart
 * because only ENV reaches the image config. Both are immutable maps, so a stage built FROM another
 * inherits its scope without copying it.
 */
export class Scope implements ExpansionEnv {
  constructor(
    private args: PersistentMap<string | undefined> = PersistentMap.empty(),
    private env: PersistentMap<string> = PersistentMap.empty(),
  ) {}

  setArg(name: string, value: string | undefined): void {
    this.args = this.args.set(name, value);
  }

  setEnv(name: string, value: string): void {
    this.env = this.env.set(name, value);
  }

  /** A scope that starts where this one is now; changes to either do not reach the other. */
  inherit(): Scope {
    return new Scope(this.args, this.env);
  }

  get(name: string): string | undefined {
    return this.env.get(name) ?? this.args.get(name);
  }

  names(): string[] {
    const names = new Set(this.args.entries().flatMap(([name, value]) => (value === undefined ? [] : [name])));
    for (const name of this.env.keys()) names.add(name);
    return [...names];
  }
}

export interface ExpandContext {
  escape: EscapeChar;
  file?: string;
  /** One budget for every word of the Dockerfile, so the expansion limits hold for the file. */
  budget: ExpansionBudget;
}

function located<T>(context: ExpandContext, location: SourceLocation, expansion: () => T): T {
  try {
    return expansion();
  } catch (error) {
    if (error instanceof ExpansionError) throw new ExpansionError(error.message, { file: context.file, ...location });
    throw error;
  }
}

/** One word expanded as BuildKit's ProcessWord (no field splitting), errors located at the instruction. */
export function expandIn(env: ExpansionEnv, word: string, context: ExpandContext, location: SourceLocation): string {
  return located(context, location, () => expandWord(word, env, { escape: context.escape, budget: context.budget }));
}

/** A word expanded and split into fields as BuildKit's ProcessWords. */
export function expandWordsIn(env: ExpansionEnv, word: string, context: ExpandContext, location: SourceLocation): string[] {
  return located(context, location, () => expandWords(word, env, { escape: context.escape, budget: context.budget }));
}

/** Global ARGs in order, each default expanded with those before it; build args override. */
export function evaluateGlobalArgs(
  globals: ArgInstruction[],
  buildArgs: Record<string, string>,
  builtins: Record<string, string>,
  context: ExpandContext,
): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  // The earlier globals that have a value, over the platform ARGs.
  const env: ExpansionEnv = {
    get: (name) => values.get(name) ?? (Object.prototype.hasOwnProperty.call(builtins, name) ? builtins[name] : undefined),
    names: () => [...new Set([...Object.keys(builtins), ...[...values].flatMap(([name, value]) => (value === undefined ? [] : [name]))])],
  };
  for (const instruction of globals) {
    for (const arg of instruction.args) {
      const location = { line: instruction.range.startLine, column: instruction.range.startColumn };
      const fallback = arg.defaultValue === undefined ? undefined : expandIn(env, arg.defaultValue, context, location);
      values.set(arg.name, Object.prototype.hasOwnProperty.call(buildArgs, arg.name) ? buildArgs[arg.name] : fallback);
    }
  }
  return values;
}
