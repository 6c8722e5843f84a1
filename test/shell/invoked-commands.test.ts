import { readFileSync } from 'fs';
import { join } from 'path';
import { invokedCommands, invokedCommandsReport, InvokedCommand } from '../../src/shell';

/** name + args, the part most assertions care about. */
function calls(text: string): string[] {
  return invokedCommands(text).map((c) => [c.name, ...c.args].join(' '));
}

describe('invokedCommands: RUN lines', () => {
  test('apt-get chain with cache cleanup', () => {
    const commands = invokedCommands(
      'apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*',
    );
    expect(commands).toEqual([
      { name: 'apt-get', args: ['update'], literalArgs: true, dynamic: false, resolution: 'program', line: 1, column: 1, argSpans: [{ line: 1, column: 9, text: 'update' }] },
      {
        name: 'apt-get',
        args: ['install', '-y', '--no-install-recommends', 'curl', 'ca-certificates'],
        literalArgs: true,
        dynamic: false,
        resolution: 'program',
        line: 1,
        column: 19,
        argSpans: [
          { line: 1, column: 27, text: 'install' },
          { line: 1, column: 35, text: '-y' },
          { line: 1, column: 38, text: '--no-install-recommends' },
          { line: 1, column: 62, text: 'curl' },
          { line: 1, column: 67, text: 'ca-certificates' },
        ],
      },
      // The glob is kept in the argument but makes the arguments non-literal: the shell expands it.
      {
        name: 'rm',
        args: ['-rf', '/var/lib/apt/lists/*'],
        literalArgs: false,
        dynamic: false,
        resolution: 'program',
        line: 1,
        column: 86,
        argSpans: [
          { line: 1, column: 89, text: '-rf' },
          { line: 1, column: 93, text: '/var/lib/apt/lists/*' },
        ],
      },
    ]);
  });

  const table: [string, string[]][] = [
    ['set -eux; \\\n  apk add --no-cache git; \\\n  git --version', ['set -eux', 'apk add --no-cache git', 'git --version']],
    ['curl -fsSL https://x/install.sh | sh -s -- --yes', ['curl -fsSL https://x/install.sh', 'sh -s -- --yes']],
    ['cd /src && (make && make install) > /log 2>&1 || cat /log', ['cd /src', 'make', 'make install', 'cat /log']],
    ['{ echo a; echo b; } | tee out', ['echo a', 'echo b', 'tee out']],
    ['for f in *.tar.gz; do tar -xzf "$f" -C /opt; done', ['tar -xzf $f -C /opt']],
    ['while read -r p; do pip install "$p"; done < req.txt', ['read -r p', 'pip install $p']],
    ['VERSION=$(cat /VERSION) make build V="$VERSION"', ['cat /VERSION', 'make build V=$VERSION']],
    ['echo "arch: $(uname -m | tr a-z A-Z)"', ['uname -m', 'tr a-z A-Z', 'echo arch: $(uname -m | tr a-z A-Z)']],
    ['echo `id -u`', ['id -u', 'echo `id -u`']],
    ['echo ${HOME:-$(getent passwd root)}', ['getent passwd root', 'echo ${HOME:-$(getent passwd root)}']],
    ['cat > /x <<EOF\n$(hostname)\nEOF', ['hostname', 'cat']],
    ["sh -c 'cd /app && npm ci'", ['sh -c cd /app && npm ci', 'cd /app', 'npm ci']],
    ['/bin/bash -o pipefail -euxc "wget -qO- x | tar -x"', ['/bin/bash -o pipefail -euxc wget -qO- x | tar -x', 'wget -qO- x', 'tar -x']],
    ['bash -c "$SCRIPT"', ['bash -c $SCRIPT']],
    ['bash script.sh', ['bash script.sh']],
    ['sudo -u app env A=1 nice -n 5 python app.py', ['sudo -u app env A=1 nice -n 5 python app.py', 'env A=1 nice -n 5 python app.py', 'nice -n 5 python app.py', 'python app.py']],
    ['timeout -s KILL 10s curl -f localhost', ['timeout -s KILL 10s curl -f localhost', 'curl -f localhost']],
    ['find . -name "*.pyc" -print0 | xargs -0 -n 10 rm -f', ['find . -name *.pyc -print0', 'xargs -0 -n 10 rm -f', 'rm -f']],
    ['nohup worker &', ['nohup worker', 'worker']],
    ['command -v curl || apt-get install -y curl', ['command -v curl', 'apt-get install -y curl']],
    ['command curl -V', ['command curl -V', 'curl -V']],
    ['xargs < list', ['xargs']],
    ['A=1 B=2', []],
    ['exec >/log 2>&1', []],
  ];
  test.each(table)('%j', (text, expected) => {
    expect(calls(text)).toEqual(expected);
  });

  test('wrappers, nesting and resolution are recorded', () => {
    const [sudo, apt] = invokedCommands('sudo apt-get install -y vim');
    expect(sudo).toMatchObject({ name: 'sudo', resolution: 'program' });
    expect(apt).toMatchObject({ name: 'apt-get', wrappers: ['sudo'], column: 6 });
    const inner = invokedCommands("sh -c 'make'")[1];
    expect(inner).toMatchObject({ name: 'make', nested: 'shell-string' });
    const sub = invokedCommands('x=$(date)')[0];
    expect(sub).toMatchObject({ name: 'date', nested: 'substitution' });
    expect(invokedCommands('cd /x')[0].resolution).toBe('builtin');
    expect(invokedCommands('$CC -o x x.c')[0]).toMatchObject({ name: '$CC', dynamic: true, resolution: 'unknown' });
  });
});

describe('invokedCommands: entrypoint script', () => {
  const script = readFileSync(join(__dirname, 'fixtures', 'docker-entrypoint.sh'), 'utf8');
  const commands = invokedCommands(script);

  test('every command in order, inside if, case, functions, substitutions and here-docs', () => {
    expect(commands.map((c) => c.name)).toEqual([
      'set', '[', 'set', // line 2, 5, 6
      'printenv', 'true', 'export', // file_env body
      'file_env', 'mkdir', 'find', 'id', '[', 'su-exec', '$0',
      'date', 'cat', 'psql',
      '$@',
    ]);
  });

  test('function bodies, function calls and the final exec', () => {
    const byName = (name: string): InvokedCommand[] => commands.filter((c) => c.name === name);
    expect(byName('printenv')[0]).toMatchObject({ inFunction: 'file_env', nested: 'substitution', args: ['${var}_FILE'], literalArgs: false });
    expect(byName('file_env')[0]).toMatchObject({ resolution: 'function', args: ['DB_PASSWORD'], line: 17 });
    expect(byName('find')[0]).toMatchObject({ args: ['/data', '!', '-user', 'app', '-exec', 'chown', 'app', '{}', '+'], literalArgs: true });
    expect(byName('su-exec')[0]).toMatchObject({ viaExec: true, args: ['app', '$0', '$@'], line: 21 });
    expect(byName('$0')[0]).toMatchObject({ dynamic: true, viaExec: true, wrappers: ['su-exec'] });
    expect(byName('date')[0]).toMatchObject({ nested: 'substitution', line: 26 });
    expect(commands[commands.length - 1]).toEqual({
      name: '$@',
      args: [],
      literalArgs: true,
      dynamic: true,
      resolution: 'unknown',
      line: 31,
      column: 6,
      argSpans: [],
      viaExec: true,
    });
  });
});

describe('invokedCommands: degrading on syntax it cannot parse', () => {
  test('a broken line is skipped, the rest is still listed, and the error is reported', () => {
    const report = invokedCommandsReport('apt-get update\ndiff <(a) <(b)\nif true; then\n  make\nfi\necho done');
    expect(report.commands.map((c) => `${c.line}:${c.name}`)).toEqual(['1:apt-get', '3:true', '4:make', '6:echo']);
    expect(report.errors.map((e) => e.format())).toEqual(['2:6: process substitution <(…) needs bash']);
  });

  test('an unterminated construct is reported once, and lines after it are read', () => {
    const report = invokedCommandsReport('echo "open\nls\n');
    expect(report.commands.map((c) => `${c.line}:${c.name}`)).toEqual(['2:ls']);
    expect(report.errors.map((e) => e.format())).toEqual(['1:6: unterminated double quote']);
  });

  test('a sh -c string that does not parse leaves just the sh command', () => {
    expect(calls("sh -c 'echo \"open'")).toEqual(['sh -c echo "open']);
  });
});
