import fc from 'fast-check';
import { ExpansionError } from '../../src/errors';
import { createExpansionEnv, expandWord, expandWords } from '../../src/expand';

/** Characters that steer the lexer, mixed with arbitrary text so every branch gets random input. */
const SYNTAX = ['$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '*', '\\', '`', "'", '"', '<', ' ', 'A', 'B', '1', '@', '\n', '\ufeff'];
const word = fc.array(fc.oneof(fc.constantFrom(...SYNTAX), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 24 }).map((parts) => parts.join(''));
const env = createExpansionEnv({ A: 'a b*', B: '', C: '$0${1}' });

function outcome(run: () => unknown): 'ok' | 'expansion error' {
  try {
    const value = run();
    if (typeof value === 'string' || (Array.isArray(value) && value.every((field) => typeof field === 'string'))) return 'ok';
    throw new Error(`unexpected value ${String(value)}`);
  } catch (error) {
    if (error instanceof ExpansionError) return 'expansion error';
    throw error;
  }
}

describe('expansion on arbitrary input', () => {
  it('returns a string or throws ExpansionError, never anything else', () => {
    fc.assert(
      fc.property(word, fc.constantFrom<'\\' | '`'>('\\', '`'), (input, escape) => {
        const single = outcome(() => expandWord(input, env, { escape }));
        const split = outcome(() => expandWords(input, env, { escape }));
        // ProcessWord and ProcessWords are one pass, so they fail on the same words.
        expect(split).toBe(single);
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves words without special characters unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.,:=\/@+-]*$/), (plain) => {
        expect(expandWord(plain, env)).toBe(plain);
      }),
    );
  });
});
