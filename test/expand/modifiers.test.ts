import { ExpansionError } from '../../src/errors';
import { createExpansionEnv, expandWord } from '../../src/expand';

const env = createExpansionEnv({
  FILE: 'archive.tar.gz',
  PATHS: '/usr/local/bin:/usr/bin:/bin',
  URL: 'http://example.com/a/b',
  STARS: 'a***yy*',
  EMPTY: '',
  MULTILINE: 'one\ntwo',
});

function expand(word: string): string {
  return expandWord(word, env);
}

describe('pattern trimming', () => {
  it.each([
    ['${FILE#*.}', 'tar.gz'],
    ['${FILE##*.}', 'gz'],
    ['${FILE%.*}', 'archive.tar'],
    ['${FILE%%.*}', 'archive'],
    ['${PATHS#*:}', '/usr/bin:/bin'],
    ['${PATHS%:*}', '/usr/local/bin:/usr/bin'],
    ['${FILE#nomatch}', 'archive.tar.gz'],
    ['${FILE#}', 'archive.tar.gz'],
    ['${FILE%%}', 'archive.tar.gz'],
    ['${FILE#a?c}', 'hive.tar.gz'],
    ['${UNSET#*}', ''],
  ])('%s → %s', (word, expected) => {
    expect(expand(word)).toBe(expected);
  });

  it('treats escaped wildcards as literal characters, also when trimming from the end', () => {
    expect(expand('${STARS%%\\**\\*}')).toBe('a');
    expect(expand('${STARS#a\\*}')).toBe('**yy*');
  });

  it('reads regexp metacharacters literally', () => {
    const special = createExpansionEnv({ V: '(a+b)|[c].$x' });
    expect(expandWord('${V#(a+b)|[c]}', special)).toBe('.$x');
    // A `$` in a pattern expands; quoting is the only way to keep one, since `\$` is an invalid escape.
    expect(expandWord('${V%.$x}', special)).toBe('(a+b)|[c].$x');
    expect(expandWord("${V%'.$x'}", special)).toBe('(a+b)|[c]');
    expect(() => expandWord('${V%\\$x}', special)).toThrow("invalid escape '\\$'");
  });

  it("does not let wildcards cross a newline, like Go's `.`", () => {
    expect(expand('${MULTILINE##*}')).toBe('\ntwo');
  });

  it('expands variables inside the pattern', () => {
    const withPattern = createExpansionEnv({ V: 'xxyy', P: 'x' });
    expect(expandWord('${V#$P}', withPattern)).toBe('xyy');
    expect(expandWord('${V##*$P}', withPattern)).toBe('yy');
  });

  it('rejects the colon forms and bad escapes', () => {
    expect(() => expand('${FILE:#x}')).toThrow('unsupported modifier (:#) in substitution');
    expect(() => expand('${FILE:%%x}')).toThrow('unsupported modifier (:%) in substitution');
    expect(() => expand('${FILE#\\x}')).toThrow('invalid pattern (\\x) in substitution');
  });
});

describe('pattern replacement', () => {
  it.each([
    ['${URL/http:/https:}', 'https://example.com/a/b'],
    ['${URL/\\//|}', 'http:|/example.com/a/b'],
    ['${URL//\\//|}', 'http:||example.com|a|b'],
    ['${FILE/.*/}', 'archive'],
    ['${FILE//a/A}', 'Archive.tAr.gz'],
    ['${FILE/zzz/y}', 'archive.tar.gz'],
    ['${FILE///}', 'archive.tar.gz'],
    ['${UNSET//a/b}', ''],
  ])('%s → %s', (word, expected) => {
    expect(expand(word)).toBe(expected);
  });

  it('keeps escapes in the replacement', () => {
    expect(expandWord('${P//\\//\\/}', createExpansionEnv({ P: '/tmp/foo' }))).toBe('\\/tmp\\/foo');
  });

  it("reads a replace-all replacement as a Go regexp template, and a single replacement literally", () => {
    const dollars = createExpansionEnv({ V: 'ab', T: '[$0]', D: '$$' });
    expect(expandWord('${V//a/$T}', dollars)).toBe('[a]b');
    expect(expandWord('${V/a/$T}', dollars)).toBe('[$0]b');
    expect(expandWord('${V//a/$D}', dollars)).toBe('$b');
  });

  it('skips an empty match right after a match, as Go ReplaceAllString does', () => {
    // JavaScript's replace would also replace the empty match at the end: "XX".
    expect(expand('${FILE//*/X}')).toBe('X');
    expect(expandWord('${V///-}', createExpansionEnv({ V: 'abc' }))).toBe('-a-b-c-');
  });

  it('requires the second slash', () => {
    expect(() => expand('${FILE/a}')).toThrow("syntax error: missing '/' in ${}");
    expect(() => expand('${FILE//}')).toThrow(ExpansionError);
  });
});

describe('error messages', () => {
  it('names the word and the problem as BuildKit does', () => {
    expect(() => expand('he${PWD')).toThrow('failed to process "he${PWD": unsupported modifier (\uFFFD) in substitution');
    expect(() => expand('${}')).toThrow('failed to process "${}": syntax error: bad substitution');
    expect(() => expand('${X:-a')).toThrow('failed to process "${X:-a": syntax error: missing \'}\'');
    expect(() => expand("'open")).toThrow('unexpected end of statement while looking for matching single-quote');
    expect(() => expand('"open')).toThrow('unexpected end of statement while looking for matching double-quote');
  });

  it('uses the message of ${x?msg} and ${x:?msg}, expanded', () => {
    const withArg = createExpansionEnv({ ARG: 'x', EMPTY: '' });
    expect(() => expandWord('${VAR?message here$ARG}', withArg)).toThrow('VAR: message herex');
    expect(() => expandWord('${EMPTY:?}', withArg)).toThrow('EMPTY: is not allowed to be empty');
    expect(() => expandWord('${VAR:?}', withArg)).toThrow('VAR: is not allowed to be unset');
    expect(expandWord('${EMPTY?}', withArg)).toBe('');
  });

  it('attaches the given location', () => {
    let caught: unknown;
    try {
      expandWord('${', env, { location: { file: 'Dockerfile', line: 3, column: 6 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpansionError);
    expect((caught as ExpansionError).format()).toBe('Dockerfile:3:6: failed to process "${": syntax error: missing \'}\'');
  });
});

describe('set versus empty', () => {
  it.each([
    ['${EMPTY-d}', ''],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY+a}', 'a'],
    ['${EMPTY:+a}', ''],
    ['${UNSET-d}', 'd'],
    ['${UNSET+a}', ''],
  ])('%s → %j', (word, expected) => {
    expect(expand(word)).toBe(expected);
  });
});
