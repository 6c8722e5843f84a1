import { catalogLanguages, localeCharset, parseGconvModules } from '../../../../src/analyze/rules/system-files-locale';
import { LIBDIR, analyzeRoot, buildRoot, keptPath, library, program, reasonsOf } from './config-root';

const GCONV = `${LIBDIR}/gconv`;

const root = buildRoot({
  [`${LIBDIR}/libc.so.6`]: library('libc.so.6', [], ['GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36.', GCONV, '/usr/share/locale', 'glibc']),
  '/usr/bin/ls': program([], ['dcgettext', 'bindtextdomain', 'coreutils', '/usr/share/locale']),
  '/usr/bin/iconv': program([], ['iconv_open']),
  '/usr/bin/idn': program(['libidn2.so.0']),
  [`${LIBDIR}/libidn2.so.0`]: library('libidn2.so.0', [], ['iconv_open']),
  '/usr/lib/locale/locale-archive': 'archive',
  '/usr/lib/locale/C.utf8/LC_CTYPE': 'ctype',
  '/etc/locale.alias': 'deutsch de_DE.ISO-8859-1\n',
  '/usr/share/locale/de/LC_MESSAGES/coreutils.mo': 'mo-de',
  '/usr/share/locale/de/LC_MESSAGES/libc.mo': 'mo-libc-de',
  '/usr/share/locale/de/LC_MESSAGES/tar.mo': 'mo-tar',
  '/usr/share/locale/fr/LC_MESSAGES/coreutils.mo': 'mo-fr',
  '/usr/share/locale/pt_BR/LC_MESSAGES/coreutils.mo': 'mo-pt-br',
  [`${GCONV}/gconv-modules.cache`]: 'cache',
  [`${GCONV}/gconv-modules`]: 'alias LATIN1// ISO-8859-1//\nmodule ISO-8859-1// INTERNAL ISO8859-1 1\nmodule INTERNAL ISO-8859-1// ISO8859-1 1\nmodule EUC-JP// INTERNAL EUC-JP 1\n',
  [`${GCONV}/gconv-modules.d/gconv-modules-extra.conf`]: 'module SJIS// INTERNAL SJIS 1\n',
  [`${GCONV}/ISO8859-1.so`]: library('ISO8859-1.so'),
  [`${GCONV}/EUC-JP.so`]: library('EUC-JP.so'),
  [`${GCONV}/SJIS.so`]: library('SJIS.so'),
});

describe('message catalogs and character set conversion', () => {
  it('keeps the catalogs of the domains kept programs bind, for the ENV language only', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['ls'], Env: ['PATH=/usr/bin', 'LANG=de_DE.UTF-8'] });
    expect(reasonsOf(analysis, '/usr/share/locale/de/LC_MESSAGES/coreutils.mo', 'message-catalog')[0]).toMatchObject({ by: '/usr/bin/ls', detail: expect.stringMatching(/domain coreutils in de/) });
    expect(reasonsOf(analysis, '/usr/share/locale/de/LC_MESSAGES/libc.mo', 'message-catalog')[0].by).toBe(`${LIBDIR}/libc.so.6`);
    expect(reasonsOf(analysis, '/usr/lib/locale/locale-archive', 'locale')[0].detail).toMatch(/maps the whole archive/);
    expect(keptPath(analysis, '/etc/locale.alias')).toBeDefined();
    // gettext converts catalogs with iconv: the configuration, and no module for UTF-8.
    expect(keptPath(analysis, `${GCONV}/gconv-modules.cache`)).toBeDefined();
    for (const path of ['/usr/share/locale/de/LC_MESSAGES/tar.mo', '/usr/share/locale/fr/LC_MESSAGES/coreutils.mo', `${GCONV}/ISO8859-1.so`, `${GCONV}/EUC-JP.so`]) {
      expect(keptPath(analysis, path)).toBeUndefined();
    }
  });

  it('keeps no catalog without a messages locale', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['ls'], Env: ['PATH=/usr/bin', 'LANGUAGE=fr'] });
    expect(analysis.kept.filter((kept) => kept.path.endsWith('.mo'))).toEqual([]);
  });

  it('keeps every module for a program calling iconv_open, only the locale charsets for a library', async () => {
    const program = await analyzeRoot(root, { Cmd: ['iconv'] });
    // The whole module directory is kept as one tree: the reason is on the directory, each file is inside it.
    expect(reasonsOf(program, GCONV, 'gconv')[0].detail).toMatch(/calls iconv_open itself; it may convert between any character sets/);
    expect(keptPath(program, `${GCONV}/SJIS.so`)).toBeDefined();
    const latin1 = await analyzeRoot(root, { Cmd: ['idn'], Env: ['PATH=/usr/bin', 'LANG=de_DE.LATIN1'] });
    expect(reasonsOf(latin1, `${GCONV}/ISO8859-1.so`, 'gconv')[0].detail).toMatch(/as a library; converts the kept locale's LATIN1/);
    expect(keptPath(latin1, `${GCONV}/gconv-modules.d/gconv-modules-extra.conf`)).toBeDefined();
    for (const path of [`${GCONV}/EUC-JP.so`, `${GCONV}/SJIS.so`]) expect(keptPath(latin1, path)).toBeUndefined();
  });

  it('explodes LANGUAGE and the locale as gettext does', () => {
    const env = new Map([['LANG', 'pt_BR.UTF-8'], ['LANGUAGE', 'pt_BR:pt']]);
    expect(catalogLanguages(env)).toEqual(['pt_BR', 'pt', 'pt_BR.UTF-8', 'pt_BR.utf8']);
    expect(catalogLanguages(new Map([['LANG', 'C.UTF-8'], ['LANGUAGE', 'de']]))).toEqual([]);
    expect(localeCharset('de_DE.ISO-8859-15@euro')).toBe('ISO-8859-15');
    expect(parseGconvModules('alias A// B//\nmodule B// INTERNAL B 1 # x\n')).toEqual({ modules: [{ from: 'B//', to: 'INTERNAL', file: 'B' }], aliases: new Map([['A//', 'B//']]) });
  });
});
