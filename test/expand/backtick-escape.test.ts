import { ExpansionError } from '../../src/errors';
import { createExpansionEnv, expandWord, expandWords } from '../../src/expand';

/** `# escape=\`` Dockerfiles (Windows images): the backtick escapes and the backslash is an ordinary character. */
const env = createExpansionEnv({ DIR: 'C:\\app', SPACE: 'a b' });
const backtick = { escape: '`' } as const;

describe('escape=`', () => {
  it.each([
    ['C:\\Windows\\$DIR', 'C:\\Windows\\C:\\app'],
    ['`$DIR', '$DIR'],
    ['a``b', 'a`b'],
    ['end`', 'end'],
    ['"`$DIR `"q`""', '$DIR "q"'],
    ['"keep `t and \\t"', 'keep `t and \\t'],
    ["'`$DIR'", '`$DIR'],
    ['${DIR:-`}}', 'C:\\app'],
    ['${UNSET:-`}}', '}'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env, backtick)).toBe(expected);
  });

  it('escapes a space into the field instead of splitting', () => {
    expect(expandWords('a` b c', env, backtick)).toEqual(['a b', 'c']);
    expect(expandWords('a\\ b', env, backtick)).toEqual(['a\\', 'b']);
  });

  it('keeps the backslash literal where the default escape would act', () => {
    expect(expandWord('\\$DIR', env)).toBe('$DIR');
    expect(expandWord('\\$DIR', env, backtick)).toBe('\\C:\\app');
  });

  it('still fails on an unterminated quote', () => {
    expect(() => expandWord('"abc`"', env, backtick)).toThrow(ExpansionError);
  });
});
