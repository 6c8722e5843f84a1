import { parseXmlElements } from '../../../../src/analyze/rules/xml-config';
import { LIBDIR, analyzeRoot, buildRoot, keptPath, library, program, reasonsOf } from './config-root';

const FONTS_CONF = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
  '<fontconfig>',
  '  <dir>/usr/share/fonts</dir>',
  '  <dir prefix="xdg">fonts</dir>',
  '  <dir>~/.fonts</dir>',
  '  <include ignore_missing="yes">conf.d</include>',
  '  <cachedir>/var/cache/fontconfig</cachedir>',
  '</fontconfig>',
  '',
].join('\n');

const root = buildRoot({
  '/usr/bin/render': program(['libfontconfig.so.1']),
  [`${LIBDIR}/libfontconfig.so.1`]: library('libfontconfig.so.1', [], ['/usr/share/fontconfig/conf.avail']),
  '/etc/fonts/fonts.conf': FONTS_CONF,
  '/etc/fonts/conf.d/10-hinting.conf': { link: '../conf.avail/10-hinting.conf' },
  '/etc/fonts/conf.d/README': 'not a config\n',
  '/etc/fonts/conf.avail/10-hinting.conf': '<fontconfig><include>/etc/fonts/extra.xml</include></fontconfig>\n',
  '/etc/fonts/conf.avail/20-unused.conf': '<fontconfig/>\n',
  '/etc/fonts/extra.xml': '<fontconfig/>\n',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf': 'font\n',
  '/var/cache/fontconfig/abc-le64.cache-8': 'cache\n',
  '/root/.fonts/private.ttf': 'font\n',
  '/usr/share/fontconfig/conf.avail/05-reset.conf': '<fontconfig/>\n',
  '/usr/share/fontconfig/conf.avail/README': 'text\n',
});

describe('fontconfig configuration and fonts', () => {
  it('keeps fonts.conf, its includes, the font directories and caches, with file and line', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['/usr/bin/render'] });
    expect(reasonsOf(analysis, '/etc/fonts/fonts.conf', 'fontconfig-config')[0].by).toBe(`${LIBDIR}/libfontconfig.so.1`);
    expect(reasonsOf(analysis, '/etc/fonts/conf.avail/10-hinting.conf', 'fontconfig-config')[0].origin).toEqual({ path: '/etc/fonts/fonts.conf', line: 7 });
    expect(reasonsOf(analysis, '/etc/fonts/extra.xml', 'fontconfig-config')[0].origin).toEqual({ path: '/etc/fonts/conf.d/10-hinting.conf', line: 1 });
    expect(reasonsOf(analysis, '/usr/share/fonts', 'fontconfig-fonts')[0]).toMatchObject({ origin: { path: '/etc/fonts/fonts.conf', line: 4 }, detail: expect.stringMatching(/chosen at run time/) });
    expect(reasonsOf(analysis, '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 'fontconfig-fonts')).not.toEqual([]);
    expect(reasonsOf(analysis, '/var/cache/fontconfig', 'fontconfig-cache')[0].origin).toEqual({ path: '/etc/fonts/fonts.conf', line: 8 });
    expect(keptPath(analysis, '/etc/fonts/conf.avail/20-unused.conf')).toBeUndefined();
    expect(reasonsOf(analysis, '/usr/share/fontconfig/conf.avail/05-reset.conf', 'fontconfig-config')[0].detail).toMatch(/compiled-in directory/);
    expect(keptPath(analysis, '/usr/share/fontconfig/conf.avail/README')).toBeUndefined();
    expect(keptPath(analysis, '/etc/fonts/conf.d/README')).toBeUndefined();
    expect(keptPath(analysis, '/root/.fonts/private.ttf')).toBeUndefined();
  });

  it('a malformed config is a warning, and what comes before the error is still followed', async () => {
    const broken = buildRoot({
      '/usr/bin/render': program(['libfontconfig.so.1']),
      [`${LIBDIR}/libfontconfig.so.1`]: library('libfontconfig.so.1'),
      '/etc/fonts/fonts.conf': '<fontconfig>\n<dir>/usr/share/fonts</dir>\n<include>&xxe;</include>\n<dir>/opt/fonts</dir>\n',
      '/usr/share/fonts/a.ttf': 'font\n',
      '/opt/fonts/b.ttf': 'font\n',
    });
    const analysis = await analyzeRoot(broken, { Cmd: ['/usr/bin/render'] });
    expect(keptPath(analysis, '/usr/share/fonts/a.ttf')).toBeDefined();
    expect(keptPath(analysis, '/opt/fonts/b.ttf')).toBeUndefined();
    expect(analysis.warnings.some((warning) => /\/etc\/fonts\/fonts.conf: not well-formed XML/.test(warning))).toBe(true);
  });
});

describe('parseXmlElements', () => {
  it('gives names, attributes, text and lines, and expands no entity beyond the predefined ones', () => {
    const { elements, error } = parseXmlElements('<?xml version="1.0"?>\n<!DOCTYPE a [ <!ENTITY big "boom"> ]>\n<a>\n  <b x="1&amp;2">t &lt; u</b>\n  <c>&big;</c>\n</a>\n');
    expect(elements.slice(0, 2)).toEqual([
      { name: 'a', attributes: {}, text: '', line: 3, parents: [] },
      { name: 'b', attributes: { x: '1&2' }, text: 't < u', line: 4, parents: ['a'] },
    ]);
    expect(elements.find((element) => element.name === 'c')?.text ?? '').not.toContain('boom');
    expect(error ?? 'no error').toBeDefined();
  });
});
