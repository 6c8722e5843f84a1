import { isPrivateDirectory } from '../../../../src/analyze/rules/helper-programs';
import { analyzeRoot, buildRoot, keptPath, program, reasonsOf } from './config-root';

const PG = '/usr/lib/postgresql/15/bin';
const SHARE = '/usr/share/postgresql/15';

const root = buildRoot({
  [`${PG}/initdb`]: program([], ['postgres', 'postgres.bki', 'sql_features.txt', SHARE, '/usr/share', '/usr/lib/x86_64-linux-gnu', 'libc.so.6', 'psql']),
  [`${PG}/postgres`]: program([], ['popen', 'locale -a', 'sort by name']),
  [`${PG}/pg_dump`]: program(),
  [`${PG}/psql.txt`]: 'not a program\n',
  [`${PG}/psql`]: '#!/bin/sh\necho not executable\n',
  [`${SHARE}/postgres.bki`]: 'bki\n',
  [`${SHARE}/sql_features.txt`]: 'features\n',
  [`${SHARE}/unused.sql`]: 'select 1;\n',
  '/usr/share/postgres': 'a file in a shared directory\n',
  '/usr/bin/locale': program(),
  '/usr/bin/sort': program(),
  '/usr/bin/date': program([], ['sort', 'locale']),
});

describe('helper programs and data named relative to a directory', () => {
  it('keeps the sibling program and the share files initdb names, not the rest', async () => {
    const analysis = await analyzeRoot(root, { Cmd: [`${PG}/initdb`] });
    expect(reasonsOf(analysis, `${PG}/postgres`, 'helper-program')[0]).toMatchObject({ by: `${PG}/initdb`, detail: expect.stringMatching(/own directory/) });
    expect(reasonsOf(analysis, `${SHARE}/postgres.bki`, 'relative-data')[0].detail).toMatch(/compiled-in directory \/usr\/share\/postgresql\/15/);
    expect(keptPath(analysis, `${SHARE}/sql_features.txt`)).toBeDefined();
    expect(keptPath(analysis, `${SHARE}/unused.sql`)).toBeUndefined();
    expect(keptPath(analysis, `${PG}/pg_dump`)).toBeUndefined();
    expect(keptPath(analysis, '/usr/share/postgres')).toBeUndefined();
  });

  it('keeps the command a popen user writes, with /bin/sh, and not words that are not command lines', async () => {
    const analysis = await analyzeRoot(root, { Cmd: [`${PG}/initdb`] });
    expect(reasonsOf(analysis, '/usr/bin/locale', 'command-string')[0].detail).toBe('runs "locale -a" through popen/system');
    expect(reasonsOf(analysis, '/usr/bin/sh', 'command-string')).not.toEqual([]);
    expect(keptPath(analysis, '/usr/bin/sort')).toBeUndefined();
  });

  it('does not treat names in shared program directories as helpers', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/bin/date'] });
    expect(keptPath(analysis, '/usr/bin/sort')).toBeUndefined();
    expect(keptPath(analysis, '/usr/bin/locale')).toBeUndefined();
  });

  it.each([
    ['/usr/lib/postgresql/15/bin', true],
    ['/usr/lib/git-core', true],
    ['/usr/lib/x86_64-linux-gnu', false],
    ['/usr/share', false],
    ['/etc', false],
    ['/usr/bin', false],
  ])('%s is private: %s', (dir, expected) => {
    expect(isPrivateDirectory(dir)).toBe(expected);
  });
});
