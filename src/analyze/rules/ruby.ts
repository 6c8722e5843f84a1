/**
 * Ruby (CRuby/MRI): once a `ruby` interpreter is kept, what it loads to start and what Ruby sources
 * `require`.
 *
 * - Start-up: unless `--disable-gems`, `gem_prelude.rb` requires `rubygems` (with Debian's
 *   `rubygems/defaults/operating_system.rb`), `error_highlight` and `did_you_mean`; the encoding and
 *   transcoder databases (`enc/encdb.so`, `enc/trans/transdb.so` in the arch directory) are loaded at boot.
 * - `$LOAD_PATH` as `ruby -e 'puts $LOAD_PATH'` prints it: RUBYLIB, then site_ruby, vendor_ruby and the
 *   library directories with their arch directories, in Debian's layout (`/usr/lib/ruby/3.1.0`,
 *   `/usr/lib/x86_64-linux-gnu/ruby/3.1.0`, `/usr/lib/ruby/vendor_ruby`…) or a ruby-lang.org build's
 *   (`<prefix>/lib/ruby/3.1.0/x86_64-linux`…).
 * - RubyGems: the specification directories of `Gem.path` (GEM_HOME, GEM_PATH, `/var/lib/gems/X`,
 *   `<prefix>/lib/ruby/gems/X` with its `specifications/default`, Debian's
 *   `/usr/share/rubygems-integration/{X,all}` and `/usr/lib/<triplet>/rubygems-integration/X`). RubyGems
 *   reads the stub line of every `specifications/*.gemspec` when it resolves a `require` that is not on the
 *   load path or activates a gem, so all of them are kept; a gem's files are found under
 *   `<dir>/gems/<name>-<version>/<require_paths>`, and a binstub's `Gem.activate_bin_path('rack',
 *   'rackup', v)` keeps `<gem>/<bindir>/rackup`, which it `load`s.
 * - Sources (`.rb`, `.ru`, ruby `#!` scripts): `require 'x'` found along the load path then in every gem's
 *   require paths (`x.rb`, then the C extension `x.so`, whose libraries the ELF rule follows),
 *   `require_relative`, `load`, `autoload :Const, 'x'` (once a kept source mentions `Const`) and
 *   `gem 'name'` with literal names. Computed names are warnings for the application's own files.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { entryAt, perRun } from './run-state';

const INTERPRETER_NAME = /^ruby(?:\d+(?:\.\d+)*)?$/;
/** Gem specifications larger than this are not parsed (a hostile image could name a huge one). */
const SPEC_READ_LIMIT = 256 * 1024;

/** One installed gem, from its specification. */
export interface GemSpec {
  name: string;
  version: string;
  /** The `.gemspec` file. */
  spec: string;
  /** `<dir>/gems/<name>-<version>`; undefined for default gems, whose files are in the library directories. */
  gemDir?: string;
  /** Absolute require paths. */
  requirePaths: string[];
  bindir: string;
}

interface RubyInstall {
  interpreter: string;
  /** `3.1.0` */
  version: string;
  loadPath: string[];
  archDir?: string;
  gems: GemSpec[];
}

interface RubyState {
  installs: RubyInstall[];
  pending: string[];
  /** Files Ruby `load`s as source whatever their name (a gem's executables often have no `.rb` nor `#!`). */
  loaded: Set<string>;
  /** Constant names mentioned by the kept Ruby sources so far. */
  constants: Set<string>;
  /** Autoloads whose constant no kept source has mentioned yet, by constant name. */
  deferred: Map<string, PendingLoad[]>;
}

interface PendingLoad {
  install: RubyInstall;
  path: string;
  load: RubyLoad;
  application: boolean;
}

const stateOf = perRun<RubyState>(() => ({ installs: [], pending: [], loaded: new Set(), constants: new Set(), deferred: new Map() }));

const isDir = (context: AnalysisContext, path: string): boolean => entryAt(context, path)?.type === 'dir';
const isFile = (context: AnalysisContext, path: string): boolean => {
  const type = entryAt(context, path)?.type;
  return type === 'file' || type === 'hardlink';
};
const list = (context: AnalysisContext, dir: string): string[] => (isDir(context, dir) ? context.tree.list(context.tree.resolve(dir).path) : []);

/** Parses the fields RubyGems needs from a gemspec: the `# stub:` line first, then `s.field = …` lines. */
export function parseGemSpec(text: string, spec: string): Omit<GemSpec, 'gemDir'> & { platform: string } | undefined {
  const stub = /^# stub: (\S+) (\S+) (\S+) (.*)$/m.exec(text);
  const field = (name: string): string | undefined => new RegExp(String.raw`^\s*\w+\.${name}\s*=\s*["']([^"']+)["']`, 'm').exec(text)?.[1];
  const name = stub?.[1] ?? field('name');
  const version = stub?.[2] ?? field('version');
  if (name === undefined || version === undefined || !/^[\w.-]+$/.test(name) || !/^[\w.-]+$/.test(version)) return undefined;
  const listed = /^\s*\w+\.require_paths\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1];
  const requirePaths = stub ? stub[4].split('\0').filter((path) => path !== '') : listed ? [...listed.matchAll(/["']([^"']+)["']/g)].map((match) => match[1]) : ['lib'];
  return { name, version, spec, requirePaths, bindir: field('bindir') ?? 'bin', platform: stub?.[3] ?? 'ruby' };
}

/** The RubyGems directories (`Gem.path`) of an installation. */
function gemDirs(context: AnalysisContext, prefix: string, version: string, triplets: string[]): string[] {
  const dirs: string[] = [];
  for (const variable of ['GEM_HOME', 'GEM_PATH']) {
    for (const entry of (context.env.get(variable) ?? '').split(':')) if (entry !== '') dirs.push(posix.resolve(context.workdir, entry));
  }
  const home = context.env.get('HOME') ?? '/root';
  dirs.push(posix.join(home, '.local', 'share', 'gem', 'ruby', version), posix.join(home, '.gem', 'ruby', version));
  dirs.push(`/var/lib/gems/${version}`, posix.join(prefix, 'lib', 'ruby', 'gems', version), `/usr/local/lib/ruby/gems/${version}`, `/usr/lib/ruby/gems/${version}`);
  for (const triplet of triplets) dirs.push(`/usr/lib/${triplet}/ruby/gems/${version}`);
  dirs.push(`/usr/share/rubygems-integration/${version}`, '/usr/share/rubygems-integration/all');
  for (const triplet of triplets) dirs.push(`/usr/lib/${triplet}/rubygems-integration/${version}`);
  return [...new Set(dirs)].filter((dir) => isDir(context, dir));
}

/** Reads every specification of the gem directories. */
async function readGems(context: AnalysisContext, dirs: string[]): Promise<GemSpec[]> {
  const gems: GemSpec[] = [];
  for (const dir of dirs) {
    for (const sub of ['specifications', 'specifications/default']) {
      const specDir = posix.join(dir, sub);
      for (const name of list(context, specDir)) {
        if (!name.endsWith('.gemspec')) continue;
        const spec = posix.join(specDir, name);
        const entry = entryAt(context, spec);
        if (!entry || (entry.type !== 'file' && entry.type !== 'hardlink') || entry.size > SPEC_READ_LIMIT) continue;
        const parsed = parseGemSpec((await context.read(spec)).toString('utf8'), spec);
        if (!parsed) continue;
        const full = posix.join(dir, 'gems', parsed.platform === 'ruby' ? `${parsed.name}-${parsed.version}` : `${parsed.name}-${parsed.version}-${parsed.platform}`);
        const gemDir = sub === 'specifications' && isDir(context, full) ? full : undefined;
        const requirePaths = gemDir === undefined ? [] : parsed.requirePaths.map((path) => posix.resolve(gemDir, path)).filter((path) => isDir(context, path));
        gems.push({ name: parsed.name, version: parsed.version, spec, gemDir, requirePaths, bindir: parsed.bindir });
      }
    }
  }
  return gems;
}

/** Finds the installation of an interpreter: its library version directory and load path. */
async function discoverRuby(context: AnalysisContext, interpreter: string): Promise<RubyInstall | undefined> {
  const prefix = posix.dirname(posix.dirname(interpreter));
  const triplets = list(context, '/usr/lib').filter((name) => /-linux-gnu\w*$/.test(name));
  for (const base of [...new Set([posix.join(prefix, 'lib', 'ruby'), '/usr/lib/ruby', '/usr/local/lib/ruby'])]) {
    const versions = list(context, base).filter((name) => /^\d+\.\d+\.\d+$/.test(name)).sort().reverse();
    for (const version of versions) {
      const lib = posix.join(base, version);
      if (!isFile(context, posix.join(lib, 'rubygems.rb')) && !isDir(context, posix.join(lib, 'rubygems'))) continue;
      // ruby-lang.org builds: <lib>/<arch> (x86_64-linux); Debian: /usr/lib/<triplet>/ruby/<version>.
      const archDirs = [
        ...list(context, lib).filter((name) => /-linux/.test(name)).map((name) => posix.join(lib, name)),
        ...triplets.map((triplet) => `/usr/lib/${triplet}/ruby/${version}`),
      ].filter((dir) => isDir(context, dir));
      const loadPath: string[] = [];
      for (const entry of (context.env.get('RUBYLIB') ?? '').split(':')) if (entry !== '') loadPath.push(posix.resolve(context.workdir, entry));
      for (const kind of ['site_ruby', 'vendor_ruby']) {
        loadPath.push(posix.join(base, kind, version));
        for (const arch of list(context, posix.join(base, kind, version)).filter((name) => /-linux/.test(name))) loadPath.push(posix.join(base, kind, version, arch));
        if (kind === 'site_ruby') {
          loadPath.push(`/usr/local/lib/site_ruby/${version}`);
          for (const triplet of triplets) loadPath.push(`/usr/local/lib/${triplet}/site_ruby`);
          loadPath.push('/usr/local/lib/site_ruby');
        } else {
          for (const triplet of triplets) loadPath.push(`/usr/lib/${triplet}/ruby/vendor_ruby/${version}`);
        }
        loadPath.push(posix.join(base, kind));
      }
      loadPath.push(lib, ...archDirs);
      const existing = [...new Set(loadPath)].filter((dir) => isDir(context, dir));
      const gems = await readGems(context, gemDirs(context, prefix, version, triplets));
      return { interpreter, version, loadPath: existing, archDir: archDirs[0], gems };
    }
  }
  return undefined;
}

/** One load a Ruby source makes. */
export interface RubyLoad {
  kind: 'require' | 'require_relative' | 'load' | 'autoload' | 'gem' | 'bin';
  /** The feature, path or gem name. */
  name: string;
  /** For `autoload`: the constant whose first use loads the file. */
  constant?: string;
  /** The name is relative to the source's directory (`File.expand_path('x', __dir__)`). */
  relative?: boolean;
  /** For `bin`: the executable name (`Gem.activate_bin_path('rack', 'rackup')`). */
  executable?: string;
  line: number;
}

export interface RubyScan {
  loads: RubyLoad[];
  /** Constant names the code mentions outside its autoload declarations (`Rack::Handler::WEBrick` → 3 names). */
  constants: Set<string>;
  /** Lines of requires whose name is computed. */
  dynamic: number[];
}

/** A quoted literal without interpolation; no back-reference, so it composes with other groups. */
const QUOTED = String.raw`(?:'([^'#\\\s]+)'|"([^"#\\\s]+)")`;
const PATTERNS: { kind: RubyLoad['kind']; pattern: RegExp }[] = [
  { kind: 'require_relative', pattern: new RegExp(String.raw`(?:^|[\s;({])require_relative\s*\(?\s*${QUOTED}`, 'g') },
  { kind: 'require', pattern: new RegExp(String.raw`(?:^|[\s;({])require\s*\(?\s*${QUOTED}`, 'g') },
  { kind: 'load', pattern: new RegExp(String.raw`(?:^|[\s;({])load\s*\(?\s*${QUOTED}`, 'g') },
  { kind: 'autoload', pattern: new RegExp(String.raw`(?:^|[\s;({.])autoload\s*\(?\s*:?(?<constant>\w+)\s*,\s*${QUOTED}`, 'g') },
  { kind: 'gem', pattern: new RegExp(String.raw`(?:^|[\s;({])gem\s*\(?\s*${QUOTED}`, 'g') },
];
const LITERAL = String.raw`(['"])([^'"#\\\s]+)\1`;
const BIN_PATH = new RegExp(String.raw`Gem\.(?:activate_bin_path|bin_path)\s*\(\s*${LITERAL}\s*,\s*(['"])([^'"]+)\3`, 'g');
/**
 * Paths relative to the source's own directory, as RubyGems and many gems name their autoloads:
 * `File.expand_path('x', __dir__)`, `File.join(__dir__, 'x')`, `"#{__dir__}/x"` (and `File.dirname(__FILE__)`).
 */
const HERE = String.raw`(?:__dir__|File\.dirname\(\s*__FILE__\s*\))`;
const RELATIVE_PATTERNS: { kind: RubyLoad['kind']; pattern: RegExp }[] = [
  { kind: 'require', pattern: new RegExp(String.raw`(?:^|[\s;({])require\s*\(?\s*(?:File\.expand_path\(\s*${QUOTED}\s*,\s*${HERE}\s*\)|File\.join\(\s*${HERE}\s*,\s*${QUOTED}\s*\)|"#\{${HERE}\}/([^"#\\\s]+)")`, 'g') },
  { kind: 'autoload', pattern: new RegExp(String.raw`(?:^|[\s;({.])autoload\s*\(?\s*:?(?<constant>\w+)\s*,\s*(?:File\.expand_path\(\s*${QUOTED}\s*,\s*${HERE}\s*\)|File\.join\(\s*${HERE}\s*,\s*${QUOTED}\s*\)|"#\{${HERE}\}/([^"#\\\s]+)")`, 'g') },
];
const COMPUTED = /(?:^|[\s;({])(?:require|require_relative|load)\s*\(?\s*(?![\s'"]|Gem\.(?:activate_bin_path|bin_path)\b|File\.(?:expand_path|join)\(\s*(?:['"]|__dir__|File\.dirname))[^\s)]/;

/** Scans Ruby source: comments, `=begin`/`=end` blocks and everything after `__END__` are skipped. */
export function scanRubySource(source: string): RubyScan {
  const loads: RubyLoad[] = [];
  const constants = new Set<string>();
  const dynamic: number[] = [];
  let comment = false;
  const lines = source.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    if (/^=begin\b/.test(raw)) comment = true;
    if (comment) {
      if (/^=end\b/.test(raw)) comment = false;
      continue;
    }
    if (/^__END__\s*$/.test(raw)) break;
    const code = raw.replace(/(^|\s)#(?![{]).*$/, '$1');
    const line = index + 1;
    let declarations = code;
    const push = (kind: RubyLoad['kind'], match: RegExpMatchArray, name: string, relative: boolean) => {
      const constant = match.groups?.constant;
      loads.push({ kind, name, line, ...(constant !== undefined ? { constant } : {}), ...(relative ? { relative } : {}) });
      if (constant !== undefined) declarations = declarations.replace(match[0], ' ');
    };
    // The name is the first defined group after the constant's.
    for (const [relative, patterns] of [[false, PATTERNS], [true, RELATIVE_PATTERNS]] as const) {
      for (const { kind, pattern } of patterns) {
        for (const match of code.matchAll(pattern)) {
          const name = match.slice(match.groups?.constant !== undefined ? 2 : 1).find((group) => group !== undefined);
          if (name !== undefined) push(kind, match, name, relative);
        }
      }
    }
    for (const match of code.matchAll(BIN_PATH)) loads.push({ kind: 'bin', name: match[2], executable: match[4], line });
    if (COMPUTED.test(code) && !/\bdef\s+(?:require|load)\b/.test(code)) dynamic.push(line);
    for (const match of declarations.matchAll(/\b[A-Z]\w*/g)) constants.add(match[0]);
  }
  return { loads, dynamic, constants };
}

/** Finds a feature (`rack/handler/webrick`) as `require` does: `x.rb` then `x.so` per directory. */
function findFeature(context: AnalysisContext, feature: string, dirs: readonly string[]): string | undefined {
  const candidates = /\.(?:rb|so)$/.test(feature) ? [feature] : [`${feature}.rb`, `${feature}.so`];
  for (const dir of dirs) {
    for (const candidate of candidates) {
      const path = posix.join(dir, candidate);
      if (isFile(context, path)) return path;
    }
  }
  return undefined;
}

function featureDirs(install: RubyInstall): string[] {
  return [...install.loadPath, ...install.gems.flatMap((gem) => gem.requirePaths)];
}

/**
 * `autoload :Const, 'file'` loads the file on the first use of `Const`: it is followed once a kept Ruby
 * source mentions the constant (in code or in a string, as `const_get` takes it), not for every
 * declaration (rack.rb, rubygems.rb and net/http declare dozens the program never touches).
 */
async function inspectSource(context: AnalysisContext, path: string, state: RubyState): Promise<void> {
  const scan = scanRubySource((await context.read(path)).toString('utf8'));
  const application = !state.installs.some((install) => featureDirs(install).some((dir) => path.startsWith(`${dir}/`)) || install.gems.some((gem) => gem.gemDir !== undefined && path.startsWith(`${gem.gemDir}/`)));
  const released: PendingLoad[] = [];
  for (const constant of scan.constants) {
    if (state.constants.has(constant)) continue;
    state.constants.add(constant);
    released.push(...(state.deferred.get(constant) ?? []));
    state.deferred.delete(constant);
  }
  for (const install of state.installs) {
    for (const load of scan.loads) {
      if (load.constant !== undefined && !state.constants.has(load.constant)) {
        const waiting = state.deferred.get(load.constant) ?? [];
        waiting.push({ install, path, load, application });
        state.deferred.set(load.constant, waiting);
        continue;
      }
      followLoad(context, { install, path, load, application }, state);
    }
  }
  for (const pending of released) followLoad(context, pending, state);
  if (application) for (const line of scan.dynamic) context.warn(`${path}: line ${line}: require of a file named at run time; keep it with --keep if the program needs it`);
}

/**
 * RubyGems' bootstrap requires Bundler only in `Gem.use_gemdeps` (what a wrapper script calls), which returns
 * at once unless `RUBYGEMS_GEMDEPS` names a Gemfile; a program that uses Bundler requires `bundler/setup` itself.
 */
function bootstrapSkips(context: AnalysisContext, path: string, load: RubyLoad): boolean {
  return posix.basename(path) === 'rubygems.rb' && load.kind === 'require' && load.name === 'bundler' && !context.env.has('RUBYGEMS_GEMDEPS');
}

/** Keeps what one load of a source names, found as Ruby finds it. */
function followLoad(context: AnalysisContext, { install, path, load, application }: PendingLoad, state: RubyState): void {
  if (bootstrapSkips(context, path, load)) return;
  const dirs = featureDirs(install);
  const origin = { path, line: load.line };
  const reason: Reason = { rule: 'ruby-require', by: path, detail: `${load.kind} '${load.name}' at line ${load.line}`, origin };
  let found: string | undefined;
  if (load.kind === 'require_relative' || load.relative === true) found = findFeature(context, posix.resolve(posix.dirname(path), load.name), ['/']);
  else if (load.kind === 'load') found = [posix.resolve(context.workdir, load.name), ...dirs.map((dir) => posix.join(dir, load.name))].find((candidate) => isFile(context, candidate));
  else if (load.kind === 'gem' || load.kind === 'bin') {
    const gem = install.gems.find((candidate) => candidate.name === load.name && candidate.gemDir !== undefined) ?? install.gems.find((candidate) => candidate.name === load.name);
    if (gem === undefined) {
      if (application) context.warn(`${path}: line ${load.line}: no gem ${load.name} in the specifications of ${install.interpreter}`);
      return;
    }
    context.keep(gem.spec, { rule: 'ruby-gem', by: path, detail: `${load.kind === 'bin' ? `Gem.activate_bin_path('${load.name}', '${load.executable}')` : `gem '${load.name}'`} at line ${load.line} activates ${gem.name} ${gem.version}`, origin });
    if (load.kind === 'bin' && gem.gemDir !== undefined && load.executable !== undefined) {
      const bin = posix.join(gem.gemDir, gem.bindir, load.executable);
      state.loaded.add(bin);
      if (context.keep(bin, { rule: 'ruby-gem', by: path, detail: `executable ${load.executable} of gem ${gem.name} ${gem.version}, loaded by the binstub`, origin }) === undefined && application) {
        context.warn(`${path}: line ${load.line}: gem ${gem.name} has no executable ${bin}`);
      }
    }
    return;
  } else found = findFeature(context, load.name, dirs);
  if (found !== undefined && load.kind === 'load') state.loaded.add(found);
  if (found !== undefined) context.keep(found, reason);
  else if (application) context.warn(`${path}: line ${load.line}: ${load.kind} '${load.name}': not on the load path of ${install.interpreter} nor in a gem`);
}

/** Keeps what an interpreter loads before the program and every gem specification. */
async function startInterpreter(context: AnalysisContext, interpreter: string, state: RubyState): Promise<void> {
  if (state.installs.some((install) => install.interpreter === interpreter)) return;
  const install = await discoverRuby(context, interpreter);
  if (!install) {
    context.warn(`${interpreter}: no Ruby library directory (lib/ruby/X.Y.Z/rubygems.rb) found for this interpreter; its requires are not followed`);
    return;
  }
  state.installs.push(install);
  const by = interpreter;
  const argv = [...(context.config.Entrypoint ?? []), ...(context.config.Cmd ?? [])];
  const gemsEnabled = !argv.some((arg) => arg === '--disable-gems' || arg === '--disable=gems' || arg === '--disable-all');
  if (gemsEnabled) {
    for (const feature of ['rubygems', 'error_highlight', 'did_you_mean']) {
      const found = findFeature(context, feature, featureDirs(install));
      if (found !== undefined) context.keep(found, { rule: 'ruby-startup', by, detail: `gem_prelude requires ${feature} at start-up` });
    }
    for (const gem of install.gems) {
      context.keep(gem.spec, { rule: 'ruby-gem', by, detail: 'RubyGems reads every specification when it resolves a require or activates a gem' });
    }
  }
  if (install.archDir !== undefined) {
    for (const db of ['enc/encdb.so', 'enc/trans/transdb.so']) {
      context.keep(posix.join(install.archDir, db), { rule: 'ruby-startup', by, detail: 'encoding database loaded at boot' });
    }
  }
  for (const path of state.pending.splice(0)) await inspectSource(context, path, state);
}

function isRubySource(path: string, head: Buffer): boolean {
  if (/\.(?:rb|ru)$/.test(path) || /\/(?:Rakefile|Gemfile)$/.test(path)) return true;
  if (head[0] !== 0x23 || head[1] !== 0x21) return false;
  const end = head.indexOf(0x0a);
  return /\bruby[\d.]*\b/.test(head.subarray(0, end === -1 ? head.length : end).toString('utf8'));
}

export const rubyRule: FileRule = {
  id: 'ruby',
  description: 'Ruby interpreters, RubyGems and the files Ruby sources require',
  async inspect(file, context) {
    const state = stateOf(context);
    if (INTERPRETER_NAME.test(posix.basename(file.path)) && (file.entry.mode & 0o111) !== 0) {
      await startInterpreter(context, file.path, state);
      return;
    }
    if (!state.loaded.has(file.path) && !isRubySource(file.path, file.head)) return;
    if (state.installs.length === 0) {
      state.pending.push(file.path);
      return;
    }
    await inspectSource(context, file.path, state);
  },
};
