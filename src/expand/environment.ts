/**
 * The variables a word is expanded against. BuildKit's `shell.EnvGetter` answers "value and whether it is
 * set", and the difference matters: `${NULL-x}` keeps an empty NULL, `${NULL:-x}` does not, and
 * `${NULL?}` passes while `${UNSET?}` fails.
 */
export interface ExpansionEnv {
  /** The value of `name`; `undefined` when it is not set, `''` when it is set but empty. */
  get(name: string): string | undefined;
  /** Every set name, in the order it was first defined (used for "did you mean" suggestions). */
  names(): string[];
}

/** How names are compared. */
export interface ExpansionEnvOptions {
  /**
   * Compare names case-insensitively, as BuildKit does for Windows targets (`NormalizeEnvKey` upper-cases
   * keys there, equal_env_windows.go). Unix targets compare exactly.
   */
  caseInsensitiveKeys?: boolean;
}

/** Variable values keyed by name, as a Map, a plain record or a list of pairs. Later pairs win. */
export type ExpansionEnvSource = ReadonlyMap<string, string> | Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

class MapExpansionEnv implements ExpansionEnv {
  private readonly values = new Map<string, string>();
  private readonly definedNames: string[] = [];

  constructor(
    pairs: Iterable<readonly [string, string]>,
    private readonly caseInsensitiveKeys: boolean,
  ) {
    for (const [name, value] of pairs) {
      const key = this.normalize(name);
      if (!this.values.has(key)) this.definedNames.push(name);
      this.values.set(key, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(this.normalize(name));
  }

  names(): string[] {
    return [...this.definedNames];
  }

  private normalize(name: string): string {
    return this.caseInsensitiveKeys ? name.toUpperCase() : name;
  }
}

function isIterable(value: unknown): value is Iterable<readonly [string, string]> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

/** An environment from a Map, a record or `[name, value]` pairs. */
export function createExpansionEnv(source: ExpansionEnvSource, options: ExpansionEnvOptions = {}): ExpansionEnv {
  const pairs = isIterable(source) ? source : Object.entries(source);
  return new MapExpansionEnv(pairs, options.caseInsensitiveKeys ?? false);
}

/**
 * An environment from `NAME=value` strings, the shape of an image config's `Env` and of BuildKit's
 * `EnvsFromSlice`: the value is everything after the first `=`, an entry without `=` is set to the empty
 * string, and a repeated name keeps its last value.
 */
export function envFromAssignments(assignments: Iterable<string>, options: ExpansionEnvOptions = {}): ExpansionEnv {
  const pairs: Array<[string, string]> = [];
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    pairs.push(equals < 0 ? [assignment, ''] : [assignment.slice(0, equals), assignment.slice(equals + 1)]);
  }
  return new MapExpansionEnv(pairs, options.caseInsensitiveKeys ?? false);
}

/** No variables at all; what BuildKit expands `COPY --from` against to detect expansion in it. */
export const EMPTY_EXPANSION_ENV: ExpansionEnv = createExpansionEnv([]);
