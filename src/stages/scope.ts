/**
 * ARG and ENV scoping as BuildKit applies it (dockerfile2llb/convert.go, reference "ARG"):
 * - global ARGs (before the first FROM) are seen by FROM lines only, each default expanded with the ones
 *   before it, `--build-arg` overriding; inside a stage a global ARG is seen only after `ARG NAME`;
 * - the automatic platform ARGs are seen by FROM, and inside a stage after `ARG TARGETARCH` etc.;
 * - an ARG is in effect from its line on; ENV wins over an ARG of the same name;
 * - a stage built FROM another stage inherits that stage's ARGs and ENVs.
 */
import { ExpansionError, type SourceLocation } from '../errors';
import { createExpansionEnv, expandWord, expandWords, type ExpansionEnv } from '../expand';
import type { ArgInstruction, EscapeChar } from '../dockerfile';

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
 * The variables in force at one point of a stage. `args` and `env` are kept apart because ENV wins over
 * ARG and only ENV reaches the image config.
 */
export class Scope {
  constructor(
    readonly args: Map<string, string | undefined> = new Map(),
    readonly env: Map<string, string> = new Map(),
  ) {}

  clone(): Scope {
    return new Scope(new Map(this.args), new Map(this.env));
  }

  /**
   * The environment words are expanded against: declared ARGs with a value, then ENV over them. A live view
   * of the scope, not a copy, so that expanding a word costs the same however many variables are set.
   */
  expansionEnv(): ExpansionEnv {
    return {
      get: (name) => (this.env.has(name) ? this.env.get(name) : (this.args.get(name) ?? undefined)),
      names: () => [...new Set([...[...this.args].filter(([, value]) => value !== undefined).map(([name]) => name), ...this.env.keys()])],
    };
  }
}

export interface ExpandContext {
  escape: EscapeChar;
  file?: string;
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
export function expandIn(scope: Scope | ExpansionEnv, word: string, context: ExpandContext, location: SourceLocation): string {
  const env = scope instanceof Scope ? scope.expansionEnv() : scope;
  return located(context, location, () => expandWord(word, env, { escape: context.escape }));
}

/** A word expanded and split into fields as BuildKit's ProcessWords. */
export function expandWordsIn(scope: Scope, word: string, context: ExpandContext, location: SourceLocation): string[] {
  return located(context, location, () => expandWords(word, scope.expansionEnv(), { escape: context.escape }));
}

/** Global ARGs in order, each default expanded with those before it; build args override. */
export function evaluateGlobalArgs(
  globals: ArgInstruction[],
  buildArgs: Record<string, string>,
  builtins: Record<string, string>,
  context: ExpandContext,
): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  for (const instruction of globals) {
    for (const arg of instruction.args) {
      const env = createExpansionEnv([
        ...Object.entries(builtins),
        ...[...values].filter((entry): entry is [string, string] => entry[1] !== undefined),
      ]);
      const location = { line: instruction.range.startLine, column: instruction.range.startColumn };
      const fallback = arg.defaultValue === undefined ? undefined : expandIn(env, arg.defaultValue, context, location);
      values.set(arg.name, Object.prototype.hasOwnProperty.call(buildArgs, arg.name) ? buildArgs[arg.name] : fallback);
    }
  }
  return values;
}
