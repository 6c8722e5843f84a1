import { analyzeRoot, buildRoot, keptPath, program, reasonsOf } from './config-root';

const root = buildRoot({
  '/usr/local/bin/entrypoint.sh': [
    '#!/bin/sh',
    "trap 'rm -r \"$work\"' EXIT",
    "find /srv -name '*.csv' -exec sha256sum {} +",
    "su -s /bin/sh -c 'whoami' nobody",
    "eval 'expr 6 \"*\" 7'",
    'setpriv --reuid=nobody --clear-groups head -n 1 /srv/a.csv',
    'exec gosu nobody "$@"',
    '',
  ].join('\n'),
  '/srv/a.csv': 'a;1\n',
  '/usr/bin/rm': program(),
  '/usr/bin/find': program(),
  '/usr/bin/sha256sum': program(),
  '/usr/bin/su': program(),
  '/usr/bin/whoami': program(),
  '/usr/bin/expr': program(),
  '/usr/bin/setpriv': program(),
  '/usr/bin/head': program(),
  '/usr/sbin/gosu': program(),
  '/usr/bin/date': program(),
  '/usr/bin/env': program(),
  '/usr/bin/unused': program(),
  '/usr/sbin/apachectl': '#!/bin/sh\nHTTPD=${APACHE_HTTPD:-/usr/sbin/httpd}\n$HTTPD -k "$@"\n',
  '/usr/sbin/httpd': program(),
});

describe('shell code inside strings and commands run by other programs', () => {
  it('keeps what trap, find -exec, su -c, eval and setpriv run, with the script line as origin', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['/usr/local/bin/entrypoint.sh'], Cmd: ['date'] });
    const script = '/usr/local/bin/entrypoint.sh';
    for (const [path, line] of [['/usr/bin/rm', 2], ['/usr/bin/sha256sum', 3], ['/usr/bin/whoami', 4], ['/usr/bin/expr', 5], ['/usr/bin/head', 6], ['/usr/sbin/gosu', 7]] as const) {
      expect(reasonsOf(analysis, path, 'script-command')).toContainEqual(expect.objectContaining({ by: script, origin: { path: script, line } }));
    }
    expect(reasonsOf(analysis, '/usr/bin/rm', 'script-command')[0].detail).toMatch(/shell code inside a string/);
    expect(reasonsOf(analysis, '/usr/bin/head', 'script-command')[0].detail).toMatch(/run by setpriv/);
    expect(keptPath(analysis, '/usr/bin/unused')).toBeUndefined();
  });

  it('follows wrappers in an exec-form command', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['env', 'LC_ALL=C', 'gosu', 'nobody', 'date', '-u'] });
    expect(reasonsOf(analysis, '/usr/sbin/gosu', 'cmd-wrapped-command')).not.toEqual([]);
    expect(reasonsOf(analysis, '/usr/bin/date', 'cmd-wrapped-command')[0].detail).toMatch(/run by env → gosu/);
    const su = await analyzeRoot(root, { Cmd: ['su', '-c', "whoami; expr 1 + 1", 'nobody'] });
    expect(reasonsOf(su, '/usr/bin/whoami', 'cmd-wrapped-command')[0].detail).toMatch(/shell code inside a string/);
    expect(keptPath(su, '/usr/bin/expr')).toBeDefined();
  });

  it('keeps the program a script runs through a variable it assigns, with the line as origin', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/sbin/apachectl'] });
    expect(reasonsOf(analysis, '/usr/sbin/httpd', 'script-command-variable')).toEqual([
      { rule: 'script-command-variable', by: '/usr/sbin/apachectl', detail: '$HTTPD at line 3, assigned /usr/sbin/httpd in the script', origin: { path: '/usr/sbin/apachectl', line: 3 } },
    ]);
    expect(keptPath(analysis, '/usr/bin/unused')).toBeUndefined();
  });
});
