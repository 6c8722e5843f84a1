import { libtoolDlname, namedFormats } from '../../../../src/analyze/rules/imagemagick';
import { LIBDIR, analyzeRoot, buildRoot, keptPath, library, program, reasonsOf } from './config-root';

const CODERS = `${LIBDIR}/ImageMagick-6.9.11/modules-Q16/coders`;
const la = (name: string) => `# libtool\ndlname='${name}.so'\nlibrary_names='${name}.so'\nlibdir='${CODERS}'\n`;

const root = buildRoot({
  '/usr/bin/convert': program(['libMagickCore-6.Q16.so.6']),
  [`${LIBDIR}/libMagickCore-6.Q16.so.6`]: library('libMagickCore-6.Q16.so.6', [], ['/etc/ImageMagick-6/', `${LIBDIR}/ImageMagick-6.9.11//modules-Q16/coders`, 'delegates.xml', 'type.xml', 'MAGICK_CONFIGURE_PATH']),
  '/etc/ImageMagick-6/delegates.xml': '<?xml version="1.0"?>\n<delegatemap>\n  <delegate decode="ps" command="gs"/>\n</delegatemap>\n',
  '/etc/ImageMagick-6/type.xml': '<typemap>\n  <include file="type-dejavu.xml"/>\n</typemap>\n',
  '/etc/ImageMagick-6/type-dejavu.xml': '<typemap/>\n',
  '/etc/ImageMagick-6/unused.xml': '<x/>\n',
  '/usr/local/bin/thumbnail': '#!/bin/sh\nsrc=$1\nout=/tmp/thumb.png\nconvert "$src" -scale 50% "$out"\n# a comment naming x.gif\nconvert "$out" txt:-\n',
  '/usr/local/bin/other': '#!/bin/sh\ncp a.jpeg b.jpeg\n',
  ...Object.fromEntries(['png', 'txt', 'jpeg', 'gif', 'tiff'].flatMap((name) => [[`${CODERS}/${name}.la`, la(name)], [`${CODERS}/${name}.so`, library(`${name}.so`)]])),
});

describe('ImageMagick configuration and coder modules', () => {
  it('keeps the XML configuration the library names, with the files they include', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['/usr/local/bin/thumbnail'], Cmd: ['/srv/in.tiff'] });
    expect(reasonsOf(analysis, '/etc/ImageMagick-6/delegates.xml', 'imagemagick-config')[0].by).toBe(`${LIBDIR}/libMagickCore-6.Q16.so.6`);
    expect(reasonsOf(analysis, '/etc/ImageMagick-6/type-dejavu.xml', 'imagemagick-config')[0].origin).toEqual({ path: '/etc/ImageMagick-6/type.xml', line: 2 });
    expect(keptPath(analysis, '/etc/ImageMagick-6/unused.xml')).toBeUndefined();
  });

  it('keeps the coders of the formats named where ImageMagick runs: the .la and its dlname, with the line', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['/usr/local/bin/thumbnail'], Cmd: ['/srv/in.tiff'] });
    expect(reasonsOf(analysis, `${CODERS}/png.la`, 'imagemagick-coder')[0].origin).toEqual({ path: '/usr/local/bin/thumbnail', line: 3 });
    expect(reasonsOf(analysis, `${CODERS}/png.so`, 'imagemagick-coder')[0].detail).toMatch(/dlname of png\.la/);
    expect(reasonsOf(analysis, `${CODERS}/txt.so`, 'imagemagick-coder')[0].origin).toEqual({ path: '/usr/local/bin/thumbnail', line: 6 });
    expect(reasonsOf(analysis, `${CODERS}/tiff.so`, 'imagemagick-coder')[0].detail).toMatch(/container's command line/);
    // In a comment, or in a script that does not run ImageMagick: not a format it reads.
    expect(keptPath(analysis, `${CODERS}/gif.so`)).toBeUndefined();
    expect(keptPath(analysis, `${CODERS}/jpeg.so`)).toBeUndefined();
  });

  it('reads formats and libtool files', () => {
    expect(namedFormats("convert in.PNG -depth 8 txt:- 'gif:out'\nfetch https://x/y\n").map((found) => `${found.line}:${found.format}`)).toEqual(['1:txt', '1:gif', '1:png']);
    expect(libtoolDlname(la('png'))).toBe('png.so');
    expect(libtoolDlname("dlname='../../evil.so'\n")).toBeUndefined();
  });
});
