import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { includeDirectives } from '../../../../src/analyze/rules/path-references-includes';
import { REFERENCED_FILE_LIMIT } from '../../../../src/analyze/rules/path-references';
import { absolutePathRuns } from '../../../../src/analyze/rules/path-references-strings';
import { debianProgram } from '../../../support/debian-binaries';
import { analyzeRoot, buildRoot, rulesOf } from './system-root';

/** C string literals of a program, as a compiler lays them out in .rodata. */
const PROGRAM_STRINGS = ['/etc/app/mime.xml', '/etc/app/app.conf', '/var/lib/app/state.db', '/srv/big.bin', '/etc/hosts', '/proc/self/exe', '/etc/app/tls.conf/etc/app/extra.conf', '/usr/share/app/', '/run/app.pid'];

const root = buildRoot({
  '/usr/local/bin/app': { executable: debianProgram(PROGRAM_STRINGS) },
  '/etc/app/app.conf': ['# include /etc/app/disabled.conf;', 'include conf.d/*.conf;', 'data_dir /var/lib/app;', 'log /var/log/app/app.log;', '!includedir /etc/app/parts'].join('\n'),
  '/etc/app/conf.d/a.conf': 'root /srv/www;\n',
  '/etc/app/conf.d/b.txt': 'not matched by *.conf\n',
  '/etc/app/disabled.conf': 'never included\n',
  '/etc/app/parts/one.cnf': 'x=1\n',
  '/etc/app/tls.conf': 'tls\n',
  '/etc/app/extra.conf': 'extra\n',
  '/etc/hosts': '127.0.0.1 localhost\n',
  '/var/lib/app/cache.db': 'cache',
  '/var/log/app/old.log': 'old',
  '/srv/www/index.html': '<p>hi</p>',
  '/usr/share/app/data.bin': 'data',
  '/usr/local/bin/entry.sh': '#!/bin/sh\n. /etc/app/env.sh\nexec "$@"\n',
  '/etc/app/env.sh': 'APP_HOME=/opt/app\n',
  '/opt/app/.keep': '',
  // A file-type database the program reads (it names it): its strings are patterns, not paths.
  '/etc/app/mime.xml': '<?xml version="1.0"?>\n<mimemap>\n  <mime type="application/x-perl" offset="0" magic="#!/usr/bin/perl" />\n  <mime type="text/x-csh" offset="1:16" magic="/opt/app/csh" />\n</mimemap>\n',
  '/usr/bin/perl': { executable: debianProgram([]) },
  '/opt/app/csh': 'not a program anyone runs\n',
});
writeFileSync(join(root, 'srv/big.bin'), Buffer.alloc(REFERENCED_FILE_LIMIT + 1));

describe('path references', () => {
  it.each([
    ['a config file a program names', '/etc/app/app.conf', 'path-string'],
    ['each of two Go-style glued literals', '/etc/app/tls.conf', 'path-string'],
    ['the second glued literal', '/etc/app/extra.conf', 'path-string'],
    ['a file matched by an include glob, relative to the including file', '/etc/app/conf.d/a.conf', 'config-include'],
    ['a file of an included directory', '/etc/app/parts/one.cnf', 'config-include'],
    ['a directory a program names, as a directory', '/usr/share/app', 'path-string'],
    ['a directory a config names', '/var/lib/app', 'path-string'],
    ['the directory of a log file that does not exist yet', '/var/log/app', 'path-string'],
    ['a directory named by an included file', '/srv/www', 'path-string'],
  ])('keeps %s', async (_, path, rule) => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/local/bin/app'] });
    expect(rulesOf(analysis, path)).toContain(rule);
  });

  it.each([
    ['a file only a comment names', '/etc/app/disabled.conf'],
    ['a file the include glob does not match', '/etc/app/conf.d/b.txt'],
    ['the contents of a named directory', '/var/lib/app/cache.db'],
    ['the contents of a log directory', '/var/log/app/old.log'],
    ['the contents of a directory an included file names', '/srv/www/index.html'],
    ['the contents of a compiled-in directory', '/usr/share/app/data.bin'],
    ['a file the runtime bind-mounts', '/etc/hosts'],
    ['a file over the size limit', '/srv/big.bin'],
    ['a top-level directory for a missing file', '/run'],
    ['a program a file-type database names in a pattern', '/usr/bin/perl'],
    ['a file a file-type database names in a pattern', '/opt/app/csh'],
  ])('does not keep %s', async (_, path) => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/local/bin/app'] });
    expect(rulesOf(analysis, path).filter((rule) => rule !== 'parent')).toEqual([]);
  });

  it('warns about a referenced file over the size limit', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/local/bin/app'] });
    expect(analysis.warnings.join('\n')).toMatch(/\/usr\/local\/bin\/app names \/srv\/big\.bin .*over the/);
  });

  it('does not scan shared libraries for paths', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['true'] });
    const fromLibraries = analysis.kept.filter((kept) => kept.reasons.some((reason) => reason.rule === 'path-string' && /\.so[.\d]*$/.test(reason.by ?? '')));
    expect(analysis.kept.map((kept) => kept.path)).toContain('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(fromLibraries).toEqual([]);
  });

  it('follows files a script sources and scans them', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['/usr/local/bin/entry.sh'], Cmd: ['true'] });
    expect(rulesOf(analysis, '/etc/app/env.sh')).toContain('config-include');
    expect(rulesOf(analysis, '/opt/app')).toContain('path-string');
  });
});

describe('path reference parsers', () => {
  it.each([
    ['nginx', 'http {\n    include /etc/nginx/conf.d/*.conf;\n}', [{ pattern: '/etc/nginx/conf.d/*.conf', kind: 'file', line: 2 }]],
    ['Apache', 'IncludeOptional sites-enabled/*.conf', [{ pattern: 'sites-enabled/*.conf', kind: 'file', line: 1 }]],
    ['MySQL', '!includedir /etc/mysql/conf.d/', [{ pattern: '/etc/mysql/conf.d/', kind: 'directory', line: 1 }]],
    ['sudo', '#includedir /etc/sudoers.d', [{ pattern: '/etc/sudoers.d', kind: 'directory', line: 1 }]],
    ['PostgreSQL', "include_dir 'conf.d'", [{ pattern: 'conf.d', kind: 'directory', line: 1 }]],
    ['shell', 'set -e\n. /etc/default/app\nsource "/opt/env"', [{ pattern: '/etc/default/app', kind: 'file', line: 2 }, { pattern: '/opt/env', kind: 'file', line: 3 }]],
    ['a comment', '# include /etc/nginx/x.conf;', []],
    ['C preprocessor', '#include <stdio.h>', []],
  ])('includeDirectives: %s', (_, text, directives) => {
    expect(includeDirectives(text)).toEqual(directives);
  });

  it.each([
    ['\0/etc/nginx/nginx.conf\0', ['/etc/nginx/nginx.conf']],
    ['root /srv/www; pid /run/x.pid;', ['/srv/www', '/run/x.pid']],
    ['text/html application/json', []],
    ['https://example.com/a/b', []],
    ['PATH=/usr/bin:/bin', ['/usr/bin', '/bin']],
  ])('absolutePathRuns(%j)', (text, runs) => {
    expect(absolutePathRuns(text)).toEqual(runs);
  });
});
