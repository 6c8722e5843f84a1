import type { ExpansionBudget } from './expansion-budget';

/**
 * Matching for the glob patterns of `${x#p}`, `${x%p}` and `${x/p/r}`, with the results of Go's `regexp`
 * (leftmost-first, as a backtracking engine reports) but in time linear in the text for a given pattern.
 * BuildKit compiles these patterns to Go regexps, which never backtrack; a JavaScript RegExp does, and
 * `${X#*a*a*a*a*b}` over a long X would run for hours. So the pattern is compiled to a small program and run
 * on a Pike VM: every live position of the pattern advances together, one character at a time, in
 * priority order, so the first thread to reach the end is the match a backtracking engine would find.
 */

/** One element of a pattern: a character, `?` (any character but a newline) or `*` (a run of them). */
export type PatternElement = { kind: 'char'; codePoint: number } | { kind: 'any' } | { kind: 'star' };

const CHAR = 0;
const ANY = 1;
const SPLIT = 2;
const JUMP = 3;
const MATCH = 4;

const NEWLINE = 0x0a;

/** The threads alive at one position: program counters in priority order, each with where its match began. */
class ThreadList {
  readonly counters: Int32Array;
  readonly starts: Int32Array;
  size = 0;
  private readonly seen: Int32Array;
  private generation = 1;

  constructor(length: number) {
    this.counters = new Int32Array(length);
    this.starts = new Int32Array(length);
    this.seen = new Int32Array(length);
  }

  clear(): void {
    this.size = 0;
    this.generation += 1;
  }

  /** Marks `counter` as present; false when it already was (an earlier, higher-priority thread holds it). */
  claim(counter: number): boolean {
    if (this.seen[counter] === this.generation) return false;
    this.seen[counter] = this.generation;
    return true;
  }

  push(counter: number, start: number): void {
    this.counters[this.size] = counter;
    this.starts[this.size] = start;
    this.size += 1;
  }
}

/**
 * The compiled program, one instruction per index: `ops` holds the opcode; `args` the code point for CHAR,
 * the jump target for JUMP, the preferred branch for SPLIT; `alternatives` SPLIT's other branch.
 */
export class PatternProgram {
  private readonly ops: Uint8Array;
  private readonly args: Int32Array;
  private readonly alternatives: Int32Array;
  /** Scratch space for addThread: a program never has more pending branches than instructions. */
  private readonly pending: Int32Array;

  /**
   * @param greedy whether `*` takes the longest run (Go `.*`) or the shortest (`.*?`)
   * @param anchored whether a match must start where the search starts (`^`)
   */
  constructor(
    elements: readonly PatternElement[],
    greedy: boolean,
    private readonly anchored: boolean,
  ) {
    const length = elements.reduce((sum, element) => sum + (element.kind === 'star' ? 3 : 1), 1);
    this.ops = new Uint8Array(length);
    this.args = new Int32Array(length);
    this.alternatives = new Int32Array(length);
    this.pending = new Int32Array(2 * length);
    let at = 0;
    for (const element of elements) {
      if (element.kind === 'char') {
        this.ops[at] = CHAR;
        this.args[at++] = element.codePoint;
      } else if (element.kind === 'any') {
        this.ops[at++] = ANY;
      } else {
        // loop: SPLIT body, after; body: ANY; JUMP loop; after: …
        const loop = at;
        this.ops[loop] = SPLIT;
        this.args[loop] = greedy ? loop + 1 : loop + 3;
        this.alternatives[loop] = greedy ? loop + 3 : loop + 1;
        this.ops[loop + 1] = ANY;
        this.ops[loop + 2] = JUMP;
        this.args[loop + 2] = loop;
        at += 3;
      }
    }
    this.ops[at] = MATCH;
  }

  /**
   * The leftmost-first match at or after `from` (at `from` only when anchored), as `[start, end)` code-unit
   * offsets, or undefined. Charges one step per thread per character to `budget`.
   */
  search(text: string, from: number, budget: ExpansionBudget): [number, number] | undefined {
    let current = new ThreadList(this.ops.length);
    let next = new ThreadList(this.ops.length);
    let matched: [number, number] | undefined;
    for (let position = from; ; ) {
      if (matched === undefined && (!this.anchored || position === from)) this.addThread(current, 0, position);
      if (current.size === 0) break;
      budget.step(current.size);
      const codePoint = position < text.length ? text.codePointAt(position)! : -1;
      next.clear();
      for (let index = 0; index < current.size; index++) {
        const counter = current.counters[index];
        const op = this.ops[counter];
        if (op === MATCH) {
          // Threads after this one have lower priority: the match found here is final for them.
          matched = [current.starts[index], position];
          break;
        }
        const accepts = codePoint >= 0 && (op === ANY ? codePoint !== NEWLINE : codePoint === this.args[counter]);
        if (accepts) this.addThread(next, counter + 1, current.starts[index]);
      }
      if (codePoint < 0) break;
      [current, next] = [next, current];
      position += codePoint > 0xffff ? 2 : 1;
    }
    return matched;
  }

  /** Adds the thread at `counter` and everything it reaches without reading, preferred branches first. */
  private addThread(list: ThreadList, counter: number, start: number): void {
    const pending = this.pending;
    let size = 0;
    pending[size++] = counter;
    while (size > 0) {
      const at = pending[--size];
      if (!list.claim(at)) continue;
      const op = this.ops[at];
      if (op === JUMP) {
        pending[size++] = this.args[at];
      } else if (op === SPLIT) {
        pending[size++] = this.alternatives[at];
        pending[size++] = this.args[at];
      } else {
        list.push(at, start);
      }
    }
  }
}
