import { ExpansionError } from '../errors';

/**
 * How much work variable expansion may do. BuildKit has no such limits: `ARG B=${A}${A}…` chains double a
 * value per line and exhaust memory long before its gRPC messages (16 MiB) would refuse the result. These
 * bounds are far above real use (docs/limits.md) and turn an expansion bomb into one ExpansionError.
 * Lengths count UTF-16 code units, which are bytes for ASCII text.
 */
export interface ExpansionLimits {
  /**
   * The longest word any expansion may produce, nested `${x:-word}` words included. 1 MiB is eight times
   * Linux's MAX_ARG_STRLEN (128 KiB), the longest `NAME=value` a process environment can hold, so an ENV
   * value anywhere near it could not be run anyway.
   */
  wordLength: number;
  /** What all expansions sharing one budget (one Dockerfile) may produce together, intermediate words included. */
  totalLength: number;
  /**
   * Pattern matching in `${x#p}`, `${x%p}`, `${x/p/r}`: steps of the matcher (one pattern position tried
   * against one character) all expansions sharing the budget may take.
   */
  patternSteps: number;
}

export const EXPANSION_LIMITS: Readonly<ExpansionLimits> = {
  wordLength: 1 << 20,
  totalLength: 1 << 25,
  patternSteps: 1 << 24,
};

/**
 * A running account of expansion work against the limits. Share one across every word of a Dockerfile so
 * the totals hold for the file; a word expanded without one gets its own.
 */
export class ExpansionBudget {
  private produced = 0;
  private steps = 0;

  constructor(readonly limits: Readonly<ExpansionLimits> = EXPANSION_LIMITS) {}

  /**
   * Accounts for appending `added` characters to a word that has `current`, before the append happens, so
   * that a word over the limit is never built.
   * @throws ExpansionError when the word or the total would exceed its limit
   */
  grow(current: number, added: number): void {
    if (current + added > this.limits.wordLength) {
      throw new ExpansionError(`expansion produces a word longer than ${this.limits.wordLength} characters (scratchify's limit, see docs/limits.md)`);
    }
    this.produced += added;
    if (this.produced > this.limits.totalLength) {
      throw new ExpansionError(`expansions produce more than ${this.limits.totalLength} characters in total (scratchify's limit, see docs/limits.md)`);
    }
  }

  /**
   * Accounts for `count` pattern-matching steps.
   * @throws ExpansionError when the total would exceed the limit
   */
  step(count: number): void {
    this.steps += count;
    if (this.steps > this.limits.patternSteps) {
      throw new ExpansionError(`pattern matching takes more than ${this.limits.patternSteps} steps (scratchify's limit, see docs/limits.md)`);
    }
  }
}
