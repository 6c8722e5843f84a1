import { createExpansionEnv, EMPTY_EXPANSION_ENV, envFromAssignments, expandWordDetailed } from '../../src/expand';

describe('expandWordDetailed', () => {
  const env = createExpansionEnv({ FOO: 'xxx', BAR: '' });

  it('reports referenced names in lookup order and which were unset', () => {
    expect(expandWordDetailed('${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', env)).toEqual({
      result: 'xxx bbb ccc',
      words: ['xxx', 'bbb', 'ccc'],
      referenced: ['FOO', 'BAR', 'BAZ'],
      unset: ['BAZ'],
    });
  });

  it('lists a name once however often it is used', () => {
    const detail = expandWordDetailed('$BAZ/${BAZ}/$FOO', env);
    expect(detail.referenced).toEqual(['BAZ', 'FOO']);
    expect(detail.unset).toEqual(['BAZ']);
  });

  it('looks up the variables of a default before the variable itself, as the default is lexed first', () => {
    expect(expandWordDetailed('${A:-$B}', env).referenced).toEqual(['B', 'A']);
  });

  it('does not count quoted or escaped references', () => {
    expect(expandWordDetailed("'$FOO' \\$BAR \"\\$BAZ\"", env)).toMatchObject({ referenced: [], unset: [] });
  });

  it('counts positional and special parameters, which are never set', () => {
    expect(expandWordDetailed('$1${@}', env)).toMatchObject({ result: '', unset: ['1', '@'] });
  });

  it('keeps unset references as written with skipUnsetEnv', () => {
    const detail = expandWordDetailed('$FOO-$NOPE-${NOPE:-d}-${NOPE/a/b}', env, { skipUnsetEnv: true });
    expect(detail.result).toBe('xxx-$NOPE-${NOPE:-d}-${NOPE/a/b}');
    expect(detail.unset).toEqual(['NOPE']);
  });

  it('keeps quotes with rawQuotes and treats them as text with skipProcessQuotes', () => {
    expect(expandWordDetailed(`"$FOO" 'x'`, env, { rawQuotes: true }).result).toBe(`"xxx" 'x'`);
    expect(expandWordDetailed(`"$FOO" '$FOO'`, env, { skipProcessQuotes: true }).result).toBe(`"xxx" 'xxx'`);
  });
});

describe('field splitting', () => {
  const env = envFromAssignments(['SPACE=a  b', 'X=1']);

  it('splits values of unquoted expansions but not quoted ones', () => {
    expect(expandWordDetailed('1${SPACE}2 "3${SPACE}"', env).words).toEqual(['1a', 'b2', '3a  b']);
  });

  it('drops empty fields', () => {
    expect(expandWordDetailed('"" $UNSET \'\' x', env).words).toEqual(['x']);
  });

  it('keeps the blanks after << in one field, for heredoc detection', () => {
    expect(expandWordDetailed('cat << EOF', env).words).toEqual(['cat', '<< EOF']);
    expect(expandWordDetailed('a < b', env).words).toEqual(['a', '<', 'b']);
  });

  it('loses text gathered before a ${x:-w} form, as BuildKit does since 4c935cf9a', () => {
    // The whole word is unaffected; only the fields are.
    const detail = expandWordDetailed('8${UNSET:-0}80 ab${X:+y}cd', env);
    expect(detail.result).toBe('8080 abycd');
    expect(detail.words).toEqual(['080', 'ycd']);
  });

  it('splits on Unicode white space as Go does', () => {
    expect(expandWordDetailed('$V', createExpansionEnv({ V: 'a\u00a0b\u0085c\u3000d' })).words).toEqual(['a', 'b', 'c', 'd']);
    expect(expandWordDetailed('$V', createExpansionEnv({ V: 'a\ufeffb' })).words).toEqual(['a\ufeffb']);
  });
});

describe('variable names', () => {
  it('reads letters of any script and decimal digits of any script', () => {
    const env = createExpansionEnv({ 안녕: 'hi', ÉTÉ: 'summer' });
    expect(expandWordDetailed('$안녕-$ÉTÉ.', env).result).toBe('hi-summer.');
    expect(expandWordDetailed('$١x', EMPTY_EXPANSION_ENV)).toMatchObject({ result: 'x', unset: ['١'] });
  });

  it('ignores a byte-order mark at the start of the word, like Go text/scanner', () => {
    expect(expandWordDetailed('\ufeffa\ufeff', EMPTY_EXPANSION_ENV).result).toBe('a\ufeff');
  });
});
