import { isScratchifyError } from '../../src/errors';
import { parseShell, ShellSyntaxError } from '../../src/shell';
import { sketchShell } from './ast-sketch';

// Each row: shell text and its sketch (simple commands in [ ], expansions in { }, see ast-sketch.ts).
const constructs: [string, string][] = [
  ['echo hello world', '[echo hello world]'],
  ['A=1 B=2 cmd arg', '[A=1 B=2 cmd arg]'],
  ['PATH+=:/x cmd', '[PATH+=:/x cmd]'],
  ['"A=1" cmd', '["A=1" cmd]'],
  ["echo 'a b' \"c $d\" e\\ f", `[echo 'a b' "c {$d}" e\\ f]`],
  ['echo "a\\"b" "\\q"', '[echo "a"b" "\\q"]'],
  ['echo $x ${y} ${z:-def} ${#n} ${p%%.*} $1 $@ $? ${10}', '[echo {$x} {$y} {$z :- def} {$n #length} {$p %% .*} {$1} {$@} {$?} {$10}]'],
  ['echo $(date) `uname -r`', '[echo {$([date])} {$([uname -r])}]'],
  ['echo "$(echo "inner $x")"', '[echo "{$([echo "inner {$x}"])}"]'],
  ['echo $((1 + 2))', '[echo {$((1 + 2))}]'],
  ['echo $( (cd /x) )', '[echo {$(( [cd /x] ))}]'],
  ['ls *.txt file? [ab].c [', '[ls {glob *}.txt file{glob ?} {glob [}ab].c []'],
  ['cd ~ ~root/x a=~/y', '[cd {~} {~root}/x a={~}/y]'],
  ["echo $'a\\n' $\"msg\"", `[echo {$'a\\n'} {$"msg"}]`],
  ['arr=(1 "2 3") cmd', '[arr={array (1 "2 3")} cmd]'],
  ['echo $ a$', '[echo $ a$]'],
  ['a | b | c', '[a] | [b] | [c]'],
  ['! grep -q x f', '! [grep -q x f]'],
  ['a && b || c; d & e', '[a] && [b] || [c]; [d] & [e]'],
  ['a\nb\n\nc', '[a]; [b]; [c]'],
  ['a &&\n  b', '[a] && [b]'],
  ['(cd /x && make) > log', '( [cd /x] && [make] ) >log'],
  ['{ a; b; } 2>&1', '{ [a]; [b]; } 2>&1'],
  ['{ { a; } }', '{ { [a]; } }'],
  ['echo } { done', '[echo } { done]'],
  ['cmd > out 2>> err < in 3<&0 &> all >| x <> rw', '[cmd >out 2>>err <in 3<&0 &>all >|x <>rw]'],
  ['>file', '[>file]'],
  ['if a; then b; elif c; then d; else e; fi', 'if [a]; then [b]; elif [c]; then [d]; else [e]; fi'],
  ['if a\nthen\n  b\nfi', 'if [a]; then [b]; fi'],
  ['for i in 1 "2 3" $x; do echo $i; done', 'for i in 1 "2 3" {$x} do [echo {$i}]; done'],
  ['for i; do echo; done', 'for i do [echo]; done'],
  ['for i\ndo echo\ndone', 'for i do [echo]; done'],
  ['for in in in; do :; done', 'for in in in do [:]; done'],
  ['while read -r l; do echo "$l"; done < f', 'while [read -r l]; do [echo "{$l}"]; done <f'],
  ['until false; do :; done', 'until [false]; do [:]; done'],
  ['case $1 in\n  -*) set -- app "$@" ;;\n  (a|b) x;;\n  *) y\nesac', 'case {$1} in -{glob *}) [set -- app "{$@}"] ;; a|b) [x] ;; {glob *}) [y]; esac'],
  ['case x in esac', 'case x in esac'],
  ['case x in a) ;; b) c;& esac', 'case x in a) ;; b) [c] ;& esac'],
  ['x=$(case a in a) echo b;; esac)', '[x={$(case a in a) [echo b] ;; esac)}]'],
  ['f() { echo a; }; f', 'f() { [echo a]; }; [f]'],
  ['f()\n{\n  echo\n}', 'f() { [echo]; }'],
  ['function g { echo; }', 'g() { [echo]; }'],
  ['function h() ( sub )', 'h() ( [sub] )'],
  ['echo a # comment\n# full line\necho b', '[echo a]; [echo b]'],
  ['echo a#b', '[echo a#b]'],
  ['echo a \\\n  b', '[echo a b]'],
  ['echo if then fi', '[echo if then fi]'],
  ['[[ -f a && -f b ]]', '[[[ -f a] && [-f b ]]]'],
  ['', ''],
];

describe('parseShell: constructs', () => {
  test.each(constructs)('%j', (text, sketch) => {
    expect(sketchShell(parseShell(text))).toBe(sketch);
  });
});

describe('parseShell: here-documents', () => {
  test('unquoted body keeps expansions, and parsing resumes after the delimiter', () => {
    const script = parseShell('cat <<EOF > /etc/x\nhello $USER $(id -u)\nEOF\necho done');
    expect(sketchShell(script)).toBe('[cat <<EOF<<body "hello $USER $(id -u)\\n">> >/etc/x]; [echo done]');
    const simple = script.body.items[0].command.first.commands[0];
    if (simple.kind !== 'simple') throw new Error('expected a simple command');
    const heredoc = simple.redirects[0].heredoc!;
    expect(heredoc).toMatchObject({ delimiter: 'EOF', quoted: false, stripTabs: false });
    expect(heredoc.parts.map((p) => p.kind)).toEqual(['literal', 'parameter', 'literal', 'command', 'literal']);
  });

  test('quoted delimiter turns expansion off; <<- strips leading tabs', () => {
    const script = parseShell("cat <<-'END'\n\tliteral $x\n\tEND\n");
    const simple = script.body.items[0].command.first.commands[0];
    if (simple.kind !== 'simple') throw new Error('expected a simple command');
    expect(simple.redirects[0].heredoc).toEqual({
      delimiter: 'END',
      quoted: true,
      stripTabs: true,
      body: 'literal $x\n',
      parts: [{ kind: 'literal', value: 'literal $x\n' }],
    });
  });

  test('two here-documents on one line are read in order', () => {
    const script = parseShell('paste <<A 3<<B\none\nA\ntwo\nB');
    expect(sketchShell(script)).toBe('[paste <<A<<body "one\\n">> 3<<B<<body "two\\n">>];');
  });
});

describe('parseShell: positions', () => {
  test('words and commands carry 1-based line and column', () => {
    const script = parseShell('a\n  b  c');
    const second = script.body.items[1].command.first.commands[0];
    expect(second).toMatchObject({ kind: 'simple', line: 2, column: 3 });
    if (second.kind !== 'simple') throw new Error('expected a simple command');
    expect(second.words[1]).toMatchObject({ text: 'c', line: 2, column: 6 });
  });
});

// Each row: text, the error message, its line and column, and whether the text merely ended too early.
const errors: [string, string, number, number, boolean][] = [
  ['echo "open', 'unterminated double quote', 1, 6, true],
  ["echo 'open", 'unterminated single quote', 1, 6, true],
  ['echo `open', 'unterminated backquote', 1, 6, true],
  ['echo $(open', 'unterminated $(…)', 1, 6, true],
  ['echo ${x', 'unterminated ${…}', 1, 6, true],
  ['echo ${', 'unterminated ${…}', 1, 6, true],
  ['echo ${x@Q}', 'bad substitution', 1, 6, false],
  ['echo ${!x}', 'bad substitution', 1, 6, false],
  ['if true; then echo', 'shell syntax error near end of input', 1, 19, true],
  ['a\necho )', "shell syntax error near ')'", 2, 6, false],
  ['fi', "shell syntax error near 'fi'", 1, 1, false],
  ['a; ; b', "shell syntax error near ';'", 1, 4, false],
  ['if a; then b; fi c', "shell syntax error near 'c'", 1, 18, false],
  ['cat <(ls)', 'process substitution <(…) needs bash', 1, 5, false],
  ['select x in a; do b; done', "shell syntax error near 'do'", 1, 16, false],
  ['for ((i=0; i<3; i++)); do :; done', "shell syntax error near '('", 1, 5, false],
];

describe('parseShell: errors', () => {
  test.each(errors)('%j', (text, message, line, column, incomplete) => {
    let thrown: unknown;
    try {
      parseShell(text);
    } catch (error) {
      thrown = error;
    }
    expect(isScratchifyError(thrown)).toBe(true);
    expect(thrown).toBeInstanceOf(ShellSyntaxError);
    expect(thrown).toMatchObject({ kind: 'parse', message, location: { line, column }, incomplete });
  });

  test('deep nesting is a syntax error, not a stack overflow', () => {
    expect(() => parseShell('('.repeat(5000))).toThrow(ShellSyntaxError);
    expect(() => parseShell('$('.repeat(5000))).toThrow(ShellSyntaxError);
    expect(() => parseShell('echo "$(echo "'.repeat(2000))).toThrow(ShellSyntaxError);
    expect(() => parseShell('{ '.repeat(5000))).toThrow(ShellSyntaxError);
  });
});
