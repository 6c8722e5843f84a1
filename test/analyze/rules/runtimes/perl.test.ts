import { perlRule, scanPerlSource } from '../../../../src/analyze/rules/perl';
import { encodeModuleFor, parseEncodeTables, perlEncodingNames } from '../../../../src/analyze/rules/perl-encode';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

describe('scanPerlSource', () => {
  it.each([
    ['use strict;\nuse warnings;', ['strict', 'warnings']],
    ['use 5.010;\nuse v5.36;\nrequire 5.006;', []],
    ['use parent -norequire, "Foo";\nuse base qw(Bar::Baz);', ['parent', 'base', 'Bar::Baz']],
    ['require "config.pl";\nrequire Data::Dumper;', ['config.pl', 'Data::Dumper']],
    ['=head1 NAME\n\nuse Pod::Only;\n\n=cut\nuse After::Pod;\n__END__\nuse After::End;', ['After::Pod']],
    ['my $x = 1; # use Comment::Only', []],
  ])('%j', (source, expected) => {
    expect(scanPerlSource(source, '/app').loads.map((load) => load.name)).toEqual(expected);
  });

  it('reads use lib directories, FindBin-relative ones too', () => {
    expect(scanPerlSource("use lib '/opt/lib';\nuse lib \"$FindBin::Bin/lib\";", '/app').libDirs).toEqual(['/opt/lib', '/app/lib']);
  });
});

describe('perl rule', () => {
  const root = writeRoot({
    '/usr/bin/perl': executable(),
    '/etc/perl/.keep': '',
    '/usr/lib/x86_64-linux-gnu/perl-base/strict.pm': '',
    '/usr/lib/x86_64-linux-gnu/perl-base/warnings.pm': '',
    '/usr/lib/x86_64-linux-gnu/perl-base/XSLoader.pm': '',
    '/usr/lib/x86_64-linux-gnu/perl/5.36/List/Util.pm': 'use strict;\nrequire XSLoader;\n',
    '/usr/lib/x86_64-linux-gnu/perl/5.36/auto/List/Util/Util.so': 'elf',
    '/usr/share/perl/5.36/Unused.pm': '',
    '/usr/share/perl5/YAML/Tiny.pm': 'use strict;\n',
    '/opt/lib/Local/Thing.pm': 'use List::Util;\n',
    '/app/run.pl': executable('#!/usr/bin/perl\nuse strict;\nuse warnings;\nuse lib "/opt/lib";\nuse Local::Thing;\nuse YAML::Tiny;\nuse Not::There;\nrequire $plugin;\n'),
  });

  it('keeps used modules along @INC with their auto/ XS directories', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['/app/run.pl'] }, [perlRule]);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining([
      '/usr/bin/perl', '/usr/lib/x86_64-linux-gnu/perl-base/strict.pm', '/usr/lib/x86_64-linux-gnu/perl-base/warnings.pm',
      '/opt/lib/Local/Thing.pm', '/usr/lib/x86_64-linux-gnu/perl/5.36/List/Util.pm', '/usr/lib/x86_64-linux-gnu/perl/5.36/auto/List/Util/Util.so',
      '/usr/lib/x86_64-linux-gnu/perl-base/XSLoader.pm', '/usr/share/perl5/YAML/Tiny.pm',
    ]));
    expect(kept).not.toContain('/usr/share/perl/5.36/Unused.pm');
    expect(analysis.kept.find((k) => k.path === '/usr/share/perl5/YAML/Tiny.pm')?.reasons[0]).toMatchObject({ rule: 'perl-module', by: '/app/run.pl' });
    const warnings = analysis.warnings.join('\n');
    expect(warnings).toMatch(/run\.pl: line 7: Not::There is not in @INC/);
    expect(warnings).toMatch(/run\.pl: line 8: require of a module named at run time/);
  });
});

describe('perlEncodingNames', () => {
  it.each([
    ["my $s = decode('cp1252', $bytes);", ['cp1252']],
    ['from_to($data, "iso-8859-1", "euc-jp");', ['iso-8859-1', 'euc-jp']],
    ["open my $fh, '<:encoding(UTF-16LE)', $file;", ['UTF-16LE']],
    ['my $e = find_encoding($ENV{EXPORT_ENCODING});', ['shiftjis']],
    ['my $e = find_encoding($ENV{UNSET_VARIABLE});', []],
  ])('%j', (code, expected) => {
    expect(perlEncodingNames([code], new Map([['EXPORT_ENCODING', 'shiftjis']])).map((named) => named.name)).toEqual(expected);
  });
});

describe('encodeModuleFor', () => {
  const tables = parseEncodeTables(
    "%ExtModule = (\n        'euc-jp'        => 'Encode::JP',\n        'shiftjis'      => 'Encode::JP',\n        'cp1252'        => 'Encode::Byte',\n);\n",
    "    define_alias( qr/\\bsjis$/i        => '\"shiftjis\"' );\n    define_alias( qr/^(.*)$/ => '\"\\L$1\"' );\n",
    '/perl/Encode/Config.pm',
  );

  it.each([
    ['shiftjis', 'Encode::JP'],
    ['ShiftJIS', 'Encode::JP'],
    ['x-sjis', 'Encode::JP'],
    ['CP1252', 'Encode::Byte'],
    ['utf-8', undefined],
    ['no-such-encoding', undefined],
  ])('%s is served by %s', (name, module) => {
    expect(encodeModuleFor(tables, name)).toBe(module);
  });
});

describe('Encode::ConfigLocal', () => {
  it('adds the site encodings enc2xs registered', () => {
    const tables = parseEncodeTables('', '', '/perl/Encode/Config.pm', "$Encode::ExtModule{'my-enc'} = 'Encode::MyEnc';\n");
    expect(encodeModuleFor(tables, 'MY-ENC')).toBe('Encode::MyEnc');
  });
});

describe('perl rule with Encode', () => {
  const arch = '/usr/lib/x86_64-linux-gnu/perl/5.36';
  const root = writeRoot({
    '/usr/bin/perl': executable(),
    '/usr/lib/x86_64-linux-gnu/perl-base/strict.pm': '',
    [`${arch}/Encode.pm`]: "require Encode::Config;\neval { require Encode::ConfigLocal };\nrequire XSLoader;\n",
    [`${arch}/Encode/Config.pm`]: "our %ExtModule = (\n  'shiftjis' => 'Encode::JP',\n  'euc-kr' => 'Encode::KR',\n);\n",
    [`${arch}/Encode/Alias.pm`]: "define_alias( qr/\\bsjis$/i => '\"shiftjis\"' );\n",
    [`${arch}/auto/Encode/Encode.so`]: 'elf',
    [`${arch}/Encode/JP.pm`]: 'use Encode;\n',
    [`${arch}/auto/Encode/JP/JP.so`]: 'elf',
    [`${arch}/Encode/KR.pm`]: 'use Encode;\n',
    [`${arch}/auto/Encode/KR/KR.so`]: 'elf',
    '/app/convert.pl': executable("#!/usr/bin/perl\nuse strict;\nuse Encode qw(find_encoding);\nmy $e = find_encoding($ENV{EXPORT_ENCODING});\n"),
  });

  it('keeps the submodules of the encodings a program names, and not the others', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['/app/convert.pl'], Env: ['PATH=/usr/bin', 'EXPORT_ENCODING=sjis'] }, []);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining([`${arch}/Encode.pm`, `${arch}/auto/Encode/Encode.so`, `${arch}/Encode/JP.pm`, `${arch}/auto/Encode/JP/JP.so`]));
    expect(kept).not.toContain(`${arch}/Encode/KR.pm`);
    expect(kept).not.toContain(`${arch}/auto/Encode/KR/KR.so`);
    expect(analysis.kept.find((k) => k.path === `${arch}/Encode/JP.pm`)?.reasons.find((r) => r.rule === 'perl-encode')).toMatchObject({
      by: '/app/convert.pl',
      origin: { path: '/app/convert.pl', line: 4 },
    });
  });
});
