import { parsePhpIni } from '../../../../src/analyze/rules/php';
import { analyzeRoot, buildRoot, keptPath, program, reasonsOf } from './config-root';

const CLI = '/etc/php/8.2/cli';
const EXT = '/usr/lib/php/20220829';

const entries = {
  '/usr/bin/php8.2': program([], ['PHP_INI_SCAN_DIR', 'PHPRC', CLI, `${CLI}/conf.d`, EXT, '/usr/share/zoneinfo/%s']),
  '/usr/bin/php': { link: '/etc/alternatives/php' },
  '/etc/alternatives/php': { link: '/usr/bin/php8.2' },
  [`${CLI}/php.ini`]: '[PHP]\n; extension=ffi\nmemory_limit = 128M\n[Date]\ndate.timezone = "Europe/Berlin" ; local\n',
  [`${CLI}/conf.d/10-pdo.ini`]: { link: '/etc/php/8.2/mods-available/pdo.ini' },
  [`${CLI}/conf.d/20-pdo_sqlite.ini`]: { link: '/etc/php/8.2/mods-available/pdo_sqlite.ini' },
  [`${CLI}/conf.d/README`]: 'extension=ffi.so\n',
  '/etc/php/8.2/mods-available/pdo.ini': '; priority=10\nextension=pdo.so\n',
  '/etc/php/8.2/mods-available/pdo_sqlite.ini': '; priority=20\nextension=pdo_sqlite\nextension=missing\n',
  '/etc/php/8.2/mods-available/ffi.ini': 'extension=ffi.so\n',
  [`${EXT}/pdo.so`]: 'pdo\n',
  [`${EXT}/pdo_sqlite.so`]: 'pdo_sqlite\n',
  [`${EXT}/ffi.so`]: 'ffi\n',
  '/usr/share/zoneinfo/Europe/Berlin': 'TZif\n',
  '/usr/share/zoneinfo/UTC': 'TZif\n',
};

describe('PHP ini files, extensions and time zone', () => {
  it('keeps php.ini, every *.ini of the scan directory and the extensions they enable, with file and line', async () => {
    const analysis = await analyzeRoot(buildRoot(entries), { Cmd: ['php', 'app.php'] });
    expect(keptPath(analysis, `${CLI}/php.ini`)).toBeDefined();
    expect(keptPath(analysis, '/etc/php/8.2/mods-available/pdo.ini')).toBeDefined();
    expect(reasonsOf(analysis, `${EXT}/pdo.so`, 'php-extension')).toEqual([
      { rule: 'php-extension', by: `${CLI}/conf.d/10-pdo.ini`, detail: 'extension=pdo.so at line 2', origin: { path: `${CLI}/conf.d/10-pdo.ini`, line: 2 } },
    ]);
    // A bare name gets `.so` appended, as PHP does.
    expect(reasonsOf(analysis, `${EXT}/pdo_sqlite.so`, 'php-extension')[0].origin).toEqual({ path: `${CLI}/conf.d/20-pdo_sqlite.ini`, line: 2 });
    expect(analysis.warnings.some((warning) => /line 3 loads the PHP extension missing/.test(warning))).toBe(true);
    // Not enabled: commented in php.ini, in a file of the scan dir that is not *.ini, or only in mods-available.
    expect(keptPath(analysis, `${EXT}/ffi.so`)).toBeUndefined();
    expect(keptPath(analysis, '/etc/php/8.2/mods-available/ffi.ini')).toBeUndefined();
    expect(keptPath(analysis, `${CLI}/conf.d/README`)).toBeUndefined();
  });

  it('keeps the zone date.timezone names, with its line as origin, not the default', async () => {
    const analysis = await analyzeRoot(buildRoot(entries), { Cmd: ['php', 'app.php'] });
    expect(reasonsOf(analysis, '/usr/share/zoneinfo/Europe/Berlin', 'php-timezone')[0].origin).toEqual({ path: `${CLI}/php.ini`, line: 5 });
    expect(keptPath(analysis, '/usr/share/zoneinfo/UTC')).toBeUndefined();
  });

  it('follows $PHP_INI_SCAN_DIR, where an empty entry is the compiled-in directory', async () => {
    const root = buildRoot({ ...entries, '/srv/php.d/ffi.ini': 'extension=ffi\n' });
    const analysis = await analyzeRoot(root, { Cmd: ['php', 'app.php'], Env: ['PATH=/usr/bin:/bin', 'PHP_INI_SCAN_DIR=:/srv/php.d'] });
    expect(reasonsOf(analysis, `${EXT}/ffi.so`, 'php-extension')[0].origin).toEqual({ path: '/srv/php.d/ffi.ini', line: 1 });
    expect(keptPath(analysis, `${EXT}/pdo.so`)).toBeDefined();
  });

  it('does nothing for programs that are not PHP', async () => {
    const analysis = await analyzeRoot(buildRoot({ ...entries, '/usr/bin/other': program([], [CLI, `${CLI}/conf.d`, EXT]) }), { Cmd: ['/usr/bin/other'] });
    expect(keptPath(analysis, `${EXT}/pdo.so`)).toBeUndefined();
  });
});

describe('parsePhpIni', () => {
  it('reads settings with quotes and trailing comments, skipping comments and sections', () => {
    expect(parsePhpIni('[PHP]\n;x=1\nextension = "a b.so"\nzend_extension=opcache ; jit\nbroken line\n')).toEqual([
      { key: 'extension', value: 'a b.so', line: 3 },
      { key: 'zend_extension', value: 'opcache', line: 4 },
    ]);
  });
});
