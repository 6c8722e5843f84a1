import { parseGemSpec, scanRubySource } from '../../../../src/analyze/rules/ruby';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

describe('scanRubySource', () => {
  it.each([
    ["require 'json'\nrequire_relative 'lib/app'", ['require json', 'require_relative lib/app']],
    ["autoload :Foo, 'foo/bar'\ngem 'rack', '>= 2'", ['autoload foo/bar', 'gem rack']],
    ["  autoload :Resolver, File.expand_path('rubygems/resolver', __dir__)", ['autoload rubygems/resolver (relative)']],
    ['require File.join(__dir__, "a/b")\nrequire "#{__dir__}/c"', ['require a/b (relative)', 'require c (relative)']],
    ["=begin\nrequire 'in_doc'\n=end\nrequire 'after' # require 'comment'\n__END__\nrequire 'data'", ['require after']],
  ])('%j', (source, expected) => {
    expect(scanRubySource(source).loads.map((load) => `${load.kind} ${load.name}${load.relative ? ' (relative)' : ''}`)).toEqual(expected);
  });

  it('collects the constants a source mentions, not those it only declares autoloads for', () => {
    const scan = scanRubySource("module Rack\n  autoload :Cookie, 'rack/cookie'\n  X = Handler.const_get('WEBrick') # Comment\nend\n");
    expect(scan.loads).toEqual([{ kind: 'autoload', name: 'rack/cookie', constant: 'Cookie', line: 2 }]);
    expect([...scan.constants].sort()).toEqual(['Handler', 'Rack', 'WEBrick', 'X']);
  });

  it('reads binstubs and reports computed names only', () => {
    const scan = scanRubySource("load Gem.activate_bin_path('rack', 'rackup', version)\nrequire name\n");
    expect(scan.loads).toEqual([{ kind: 'bin', name: 'rack', executable: 'rackup', line: 1 }]);
    expect(scan.dynamic).toEqual([2]);
  });
});

describe('parseGemSpec', () => {
  it('reads the stub line first', () => {
    expect(parseGemSpec('# -*- encoding: utf-8 -*-\n# stub: rack 2.2.6 ruby lib\n\nGem::Specification.new do |s|\n  s.bindir = "exe"\n', '/s/rack-2.2.6.gemspec'))
      .toMatchObject({ name: 'rack', version: '2.2.6', requirePaths: ['lib'], bindir: 'exe', platform: 'ruby' });
  });

  it('falls back to the assignments and rejects hostile names', () => {
    expect(parseGemSpec('s.name = "webrick"\ns.version = "1.7.0"\ns.require_paths = ["lib", "ext"]\n', '/s/w.gemspec')).toMatchObject({ name: 'webrick', requirePaths: ['lib', 'ext'], bindir: 'bin' });
    expect(parseGemSpec('s.name = "../../etc"\ns.version = "1"\n', '/s/x.gemspec')).toBeUndefined();
  });
});

describe('ruby rule', () => {
  const lib = '/usr/lib/ruby/3.1.0';
  const vendor = '/usr/lib/ruby/vendor_ruby';
  const gems = '/usr/share/rubygems-integration/all';
  const root = writeRoot({
    '/usr/bin/ruby3.1': executable(),
    '/usr/bin/ruby': { link: 'ruby3.1' },
    [`${lib}/rubygems.rb`]: "require 'rubygems/defaults'\n",
    [`${lib}/json.rb`]: '',
    [`${lib}/unused.rb`]: '',
    [`${lib}/error_highlight.rb`]: '',
    [`${lib}/did_you_mean.rb`]: '',
    '/usr/lib/x86_64-linux-gnu/ruby/3.1.0/enc/encdb.so': 'elf',
    '/usr/lib/x86_64-linux-gnu/ruby/3.1.0/enc/trans/transdb.so': 'elf',
    '/usr/lib/x86_64-linux-gnu/ruby/3.1.0/enc/shift_jis.so': 'elf',
    [`${vendor}/rubygems.rb`]: "require_relative 'rubygems/defaults'\nautoload :Resolver, File.expand_path('rubygems/resolver', __dir__)\nautoload :Unused, 'rubygems/unused'\ndef self.use_gemdeps\n  return unless ENV['RUBYGEMS_GEMDEPS']\n  require 'bundler'\nend\n",
    [`${lib}/bundler.rb`]: '',
    [`${vendor}/rubygems/defaults.rb`]: 'def self.resolve = Gem::Resolver.new\n',
    [`${vendor}/rubygems/resolver.rb`]: '',
    [`${vendor}/rubygems/unused.rb`]: '',
    [`${gems}/specifications/rack-2.2.6.gemspec`]: '# stub: rack 2.2.6 ruby lib\ns.bindir = "bin"\n',
    [`${gems}/specifications/other-1.0.gemspec`]: '# stub: other 1.0 ruby lib\n',
    [`${gems}/gems/rack-2.2.6/bin/rackup`]: "require 'rack'\n",
    [`${gems}/gems/rack-2.2.6/lib/rack.rb`]: "require 'rack/handler'\n",
    [`${gems}/gems/rack-2.2.6/lib/rack/handler.rb`]: '',
    [`${gems}/gems/rack-2.2.6/lib/rack/unused.rb`]: '',
    [`${gems}/gems/other-1.0/lib/other.rb`]: '',
    '/usr/bin/rackup': executable("#!/usr/bin/ruby\nrequire 'rubygems'\nload Gem.activate_bin_path('rack', 'rackup', version)\n"),
    '/srv/app/config.ru': "require 'json'\nrequire 'not_there'\n",
  });

  it('keeps the RubyGems bootstrap, specifications, the binstub target and what sources require', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['rackup', '/srv/app/config.ru'], WorkingDir: '/srv/app' }, []);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining([
      '/usr/bin/ruby3.1', `${vendor}/rubygems.rb`, `${vendor}/rubygems/defaults.rb`, `${vendor}/rubygems/resolver.rb`,
      `${lib}/error_highlight.rb`, '/usr/lib/x86_64-linux-gnu/ruby/3.1.0/enc/encdb.so',
      `${gems}/specifications/rack-2.2.6.gemspec`, `${gems}/specifications/other-1.0.gemspec`,
      `${gems}/gems/rack-2.2.6/bin/rackup`, `${gems}/gems/rack-2.2.6/lib/rack.rb`, `${gems}/gems/rack-2.2.6/lib/rack/handler.rb`,
    ]));
    for (const path of [`${lib}/unused.rb`, `${vendor}/rubygems/unused.rb`, `${gems}/gems/rack-2.2.6/lib/rack/unused.rb`, `${gems}/gems/other-1.0/lib/other.rb`, '/usr/lib/x86_64-linux-gnu/ruby/3.1.0/enc/shift_jis.so']) {
      expect(kept).not.toContain(path);
    }
    const reason = (path: string) => analysis.kept.find((k) => k.path === path)?.reasons.find((r) => r.rule.startsWith('ruby'));
    expect(reason(`${gems}/gems/rack-2.2.6/bin/rackup`)).toMatchObject({ rule: 'ruby-gem', by: '/usr/bin/rackup', origin: { path: '/usr/bin/rackup', line: 3 } });
    expect(reason(`${vendor}/rubygems/resolver.rb`)).toMatchObject({ rule: 'ruby-require', origin: { path: `${vendor}/rubygems.rb`, line: 2 } });
    // Nothing mentions Gem::Unused: its autoload is not followed; Bundler only with RUBYGEMS_GEMDEPS.
    expect(kept).not.toContain(`${vendor}/rubygems/unused.rb`);
    expect(kept).not.toContain(`${lib}/bundler.rb`);
    const gemdeps = await analyzeWith(root, { Cmd: ['rackup', '/srv/app/config.ru'], Env: ['PATH=/usr/bin', 'RUBYGEMS_GEMDEPS=-'] }, []);
    expect(keptPaths(gemdeps)).toContain(`${lib}/bundler.rb`);
    expect(analysis.warnings.join('\n')).toMatch(/config\.ru: line 2: require 'not_there': not on the load path/);
  });

  it('does not start RubyGems under --disable-gems', async () => {
    const analysis = await analyzeWith(root, { Entrypoint: ['/usr/bin/ruby', '--disable-gems'], Cmd: ['/srv/app/config.ru'] }, []);
    expect(keptPaths(analysis)).not.toContain(`${gems}/specifications/other-1.0.gemspec`);
  });
});
