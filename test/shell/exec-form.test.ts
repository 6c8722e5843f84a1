import { toExecForm } from '../../src/shell';

// Shell-form text and the exact argv `/bin/sh -c` would run.
const convertible: [string, string[]][] = [
  ['nginx -g "daemon off;"', ['nginx', '-g', 'daemon off;']],
  ['exec nginx -g "daemon off;"', ['nginx', '-g', 'daemon off;']],
  ["python -m 'http.server' 8000", ['python', '-m', 'http.server', '8000']],
  ['/app/server --port=8080', ['/app/server', '--port=8080']],
  ['app \\$NOT_EXPANDED \'$X\' "\\$Y"', ['app', '$NOT_EXPANDED', '$X', '$Y']],
  ['app "" \'\'', ['app', '', '']],
  ['app a\\ b "c"d\'e\'', ['app', 'a b', 'cde']],
  ['app "*.txt" \\?', ['app', '*.txt', '?']],
  ['app # trailing comment', ['app']],
  ['  app  \n', ['app']],
  ['app;', ['app']],
  ['app a \\\n  b', ['app', 'a', 'b']],
  ['echo hello world', ['echo', 'hello', 'world']],
  ['true', ['true']],
  ['"A=1" cmd', ['A=1', 'cmd']],
  ['cmd $ a$', ['cmd', '$', 'a$']],
];

describe('toExecForm: convertible', () => {
  test.each(convertible)('%j', (text, argv) => {
    expect(toExecForm(text)).toEqual({ ok: true, argv });
  });
});

// Shell-form text and every reason it needs a shell.
const refused: [string, string[]][] = [
  ['', ['empty command']],
  ['# only a comment', ['empty command']],
  ['echo $HOME', ['expands parameter $HOME']],
  ['app "${PORT:-80}"', ['expands parameter ${PORT:-80}']],
  ['app $(date)', ['runs command substitution $(date)']],
  ['app `date`', ['runs command substitution `date`']],
  ['app $((1+1))', ['evaluates arithmetic $((1+1))']],
  ['rm -rf /tmp/*', ['unquoted glob character * in /tmp/*']],
  ['ls [ab]', ['unquoted glob character [ in [ab]']],
  ['app ~/config', ['tilde expansion in ~/config']],
  ["app $'\\n'", ["$'\\n' quoting means different things in dash and bash"]],
  ['app {a,b}', ['bash would brace-expand {a,b}']],
  ['app {1..3}', ['bash would brace-expand {1..3}']],
  ['A=1 app', ['sets A with a leading assignment']],
  ['app > /log 2>&1', ['redirects with >/log', 'redirects with 2>&1']],
  ['app <<EOF\nx\nEOF', ['redirects with <<EOF']],
  ['a | b', ['is a pipeline (|)']],
  ['! app', ['negates the exit status with !']],
  ['a && b', ['chains commands with &&']],
  ['a || b', ['chains commands with ||']],
  ['a; b', ['runs 2 commands in sequence']],
  ['a\nb', ['runs 2 commands in sequence']],
  ['app &', ['runs the command in the background (&)']],
  ['(app)', ['is a subshell ( … )']],
  ['{ app; }', ['is a command group { …; }']],
  ['if a; then b; fi', ['is an if statement']],
  ['for i in 1; do a; done', ['is a for loop']],
  ['while a; do b; done', ['is a while/until loop']],
  ['case x in a) b;; esac', ['is a case statement']],
  ['f() { a; }', ['is a function definition']],
  ['cd /app', ['cd is a shell builtin or keyword']],
  ['export A=1', ['export is a shell builtin or keyword']],
  ['. /env.sh', ['. is a shell builtin or keyword']],
  ['source /env.sh', ['source is a shell builtin or keyword']],
  ['set -e', ['set is a shell builtin or keyword']],
  ['"if" x', ['if is a shell builtin or keyword']],
  ['pwd', ['pwd is a shell builtin that prints the logical $PWD, unlike /bin/pwd']],
  ['[ -f /ok ]', ['[ is a shell builtin; exec form would need a /usr/bin/[ program']],
  ['echo -e "a\\tb"', ['echo is a shell builtin whose option and backslash handling differs from /bin/echo']],
  ['exec', ['empty command']],
  ['exec >/log', ['redirects with >/log', 'empty command']],
  ['exec -a name app', ['passes options to exec']],
  ["''", ['empty command name']],
  ['A=$x B=1 "$@"', ['sets A with a leading assignment', 'sets B with a leading assignment', 'expands parameter $@']],
];

describe('toExecForm: needs a shell', () => {
  test.each(refused)('%j', (text, reasons) => {
    expect(toExecForm(text)).toEqual({ ok: false, reasons });
  });

  test.each([['echo "open'], ['cat <(ls)'], ['if true; then'], ['echo ${x@Q}']])('parse failure %j', (text) => {
    const result = toExecForm(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reasons).toHaveLength(1);
      expect(result.reasons[0]).toMatch(/^needs a shell: 1:\d+: /);
    }
  });
});
