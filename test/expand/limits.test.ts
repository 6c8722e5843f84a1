import { ExpansionError } from '../../src/errors';
import { createExpansionEnv, EXPANSION_LIMITS, ExpansionBudget, expandWord, expandWords } from '../../src/expand';

const small = { wordLength: 100, totalLength: 1000, patternSteps: 5000 };

function failure(run: () => unknown): ExpansionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpansionError) return error;
    throw error;
  }
  throw new Error('expected an ExpansionError');
}

describe('expansion limits', () => {
  it('refuses a word that would outgrow the word limit', () => {
    const env = createExpansionEnv({ A: 'x'.repeat(60) });
    expect(expandWord('${A}', env, { budget: new ExpansionBudget(small) })).toHaveLength(60);
    const error = failure(() => expandWord('${A}${A}', env, { budget: new ExpansionBudget(small) }));
    expect(error.message).toBe('failed to process "${A}${A}": expansion produces a word longer than 100 characters (scratchify\'s limit, see docs/limits.md)');
  });

  it('counts the nested words of ${x:-word} too, even when their value is not used', () => {
    const env = createExpansionEnv({ A: 'x'.repeat(60), SET: 'short' });
    expect(() => expandWord('${SET:-${A}${A}}', env, { budget: new ExpansionBudget(small) })).toThrow(/longer than 100 characters/);
  });

  it('refuses expansions that together outgrow the total limit of a shared budget', () => {
    const env = createExpansionEnv({ A: 'x'.repeat(90) });
    const budget = new ExpansionBudget(small);
    for (let word = 0; word < 11; word++) expandWord('${A}', env, { budget });
    expect(() => expandWord('${A}', env, { budget })).toThrow(/more than 1000 characters in total/);
  });

  it('gives each word its own default budget', () => {
    const env = createExpansionEnv({ A: 'x'.repeat(EXPANSION_LIMITS.wordLength / 2) });
    expect(expandWord('$A$A', env)).toHaveLength(EXPANSION_LIMITS.wordLength);
    expect(() => expandWord('$A$A$A', env)).toThrow(/longer than 1048576 characters/);
  });

  it('applies the limits to ProcessWords and to replacements', () => {
    const env = createExpansionEnv({ A: 'x'.repeat(60), B: 'ab' });
    expect(() => expandWords('$A $A', env, { budget: new ExpansionBudget(small) })).toThrow(/longer than 100/);
    expect(() => expandWord(`\${B//?/${'y'.repeat(60)}}`, env, { budget: new ExpansionBudget(small) })).toThrow(/longer than 100/);
  });

  it('stops pattern matching at the step limit', () => {
    const env = createExpansionEnv({ A: 'a'.repeat(2000) });
    expect(() => expandWord('${A#*a*a*a*a*b}', env, { budget: new ExpansionBudget(small) })).toThrow(/more than 5000 steps/);
  });

  it('matches patterns that make a backtracking matcher explode, in steps linear in the value', () => {
    const env = createExpansionEnv({ A: 'a'.repeat(5000) });
    const pattern = '*a'.repeat(40);
    // 5000 characters times at most 3 steps per pattern element.
    const budget = new ExpansionBudget({ ...EXPANSION_LIMITS, patternSteps: 5001 * 3 * 81 });
    expect(expandWord(`\${A#${pattern}b}`, env, { budget })).toBe('a'.repeat(5000));
    expect(expandWord(`\${A##${pattern}}`, env, { budget })).toBe('');
    expect(expandWord(`\${A%${pattern}}`, env, { budget })).toBe('a'.repeat(4960));
  });
});

describe('nesting depth', () => {
  it('expands ${a:-${a:-…}} 20k deep', () => {
    const depth = 20_000;
    const env = createExpansionEnv({});
    expect(expandWord('${A:-'.repeat(depth) + 'x' + '}'.repeat(depth), env)).toBe('x');
    expect(expandWord('"${A:-'.repeat(depth) + 'x' + '}"'.repeat(depth), env)).toBe('x');
    // Unset A: the innermost pattern `x` finds nothing (''), the next one is empty and matches ('y'), and so on.
    expect(expandWord('${A/'.repeat(depth) + 'x' + '/y}'.repeat(depth), env)).toBe('y');
  });

  it('reports an unclosed deep nesting with BuildKit\'s message and the word shortened', () => {
    const word = '${A:-'.repeat(20_000);
    const error = failure(() => expandWord(word, createExpansionEnv({})));
    expect(error.message).toMatch(/^failed to process "\$\{A:-\$\{A:-.*"…".*" \(100000 characters\): syntax error: missing '}'$/);
    expect(error.message.length).toBeLessThan(300);
  });
});
