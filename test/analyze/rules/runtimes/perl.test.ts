import { perlRule, scanPerlSource } from '../../../../src/analyze/rules/perl';
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
