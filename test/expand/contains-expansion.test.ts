import { containsExpansion, EMPTY_EXPANSION_ENV, expandWordDetailed } from '../../src/expand';

describe('containsExpansion', () => {
  it.each([
    ['$STAGE', true],
    ['${STAGE}', true],
    ['build-$1', true],
    ['a$@', true],
    ['"$X"', true],
    ['${', true],
    ['builder', false],
    ['$', false],
    ['a$.b', false],
    ['\\$X', false],
    ["'$X'", false],
    ['"\\$X"', false],
    ['"\\a$X"', true],
    ["\"'$X'\"", true],
    ['\\\\$X', true],
  ])('%s → %s', (word, expected) => {
    expect(containsExpansion(word)).toBe(expected);
  });

  it('honours the backtick escape', () => {
    expect(containsExpansion('`$X', '`')).toBe(false);
    expect(containsExpansion('\\$X', '`')).toBe(true);
  });

  it('agrees with the lexer on which words look variables up', () => {
    for (const word of ['$A', "'$A'", '"\\$A"', 'x\\$A', '$.', '${A:-b}', '"a"$B', "'a'\"$B\""]) {
      const looksUp = expandWordDetailed(word, EMPTY_EXPANSION_ENV).referenced.length > 0;
      expect([word, containsExpansion(word)]).toEqual([word, looksUp]);
    }
  });
});
