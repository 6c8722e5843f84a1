import { createExpansionEnv, envFromAssignments, expandWord } from '../../src/expand';

describe('expansion environments', () => {
  it('builds from a Map, a record or pairs, keeping set-but-empty apart from unset', () => {
    for (const env of [
      createExpansionEnv(new Map([['A', ''], ['B', 'b']])),
      createExpansionEnv({ A: '', B: 'b' }),
      createExpansionEnv([['A', ''], ['B', 'b']]),
    ]) {
      expect(env.get('A')).toBe('');
      expect(env.get('B')).toBe('b');
      expect(env.get('C')).toBeUndefined();
      expect(env.names()).toEqual(['A', 'B']);
    }
  });

  it('reads NAME=value entries like an image config Env, the last repeat winning', () => {
    const env = envFromAssignments(['A=1=2', 'B', 'C=', 'A=3']);
    expect([env.get('A'), env.get('B'), env.get('C')]).toEqual(['3', '', '']);
    expect(env.names()).toEqual(['A', 'B', 'C']);
  });

  it('compares names exactly unless told to ignore case, as on Windows', () => {
    expect(expandWord('$pwd', envFromAssignments(['PWD=/home']))).toBe('');
    expect(expandWord('$pwd', envFromAssignments(['PWD=/home'], { caseInsensitiveKeys: true }))).toBe('/home');
  });
});
