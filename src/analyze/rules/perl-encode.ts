/**
 * Perl's `Encode` loads the module of an encoding when the encoding is first asked for: `Encode.pm`'s
 * `getEncoding` looks the name up in `%Encode::Config::ExtModule` (`'shiftjis' => 'Encode::JP'`, in
 * Encode/Config.pm) after resolving aliases (Encode/Alias.pm: `define_alias( qr/\bsjis$/i => '"shiftjis"' )`),
 * and `require`s that module, whose XS object (`auto/Encode/JP/JP.so`) holds the tables. So the submodules
 * a program needs are those of the encodings it names: string literals given to `decode`, `encode`,
 * `from_to`, `find_encoding`, `find_mime_encoding` and `:encoding(...)` layers, and the values of the
 * environment variables it reads (`$ENV{EXPORT_ENCODING}`) as the image sets them.
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';
import { entryAt, perRun } from './run-state';

/** An encoding name a Perl source uses, with the line that names it (or reads the variable that holds it). */
export interface PerlEncodingName {
  name: string;
  line: number;
  /** How it was named, for the reason: `find_encoding('x')`, `$ENV{NAME}`, `:encoding(x)`. */
  how: string;
}

const CALL = /\b(?:find_encoding|find_mime_encoding|decode|encode|decode_utf8|encodings|resolve_alias)\s*\(?\s*(?:[^,;()]*?,\s*)?(['"])([\w.:+ -]{1,40})\1/g;
const FROM_TO = /\bfrom_to\s*\(\s*[^,;]+,\s*(['"])([\w.:+ -]{1,40})\1\s*,\s*(['"])([\w.:+ -]{1,40})\3/g;
const LAYER = /:encoding\(\s*['"]?([\w.:+ -]{1,40}?)['"]?\s*\)/g;
const ENV_READ = /\$ENV\{\s*['"]?([A-Za-z_]\w*)['"]?\s*\}/g;

/** Encoding names in one Perl source (comments and POD are the caller's concern: it passes code lines). */
export function perlEncodingNames(lines: readonly string[], env: ReadonlyMap<string, string>): PerlEncodingName[] {
  const found: PerlEncodingName[] = [];
  lines.forEach((code, index) => {
    const line = index + 1;
    for (const match of code.matchAll(CALL)) found.push({ name: match[2], line, how: `${match[0].split(/[\s(]/)[0]}('${match[2]}')` });
    for (const match of code.matchAll(FROM_TO)) {
      found.push({ name: match[2], line, how: `from_to(…, '${match[2]}', …)` }, { name: match[4], line, how: `from_to(…, '${match[4]}')` });
    }
    for (const match of code.matchAll(LAYER)) found.push({ name: match[1], line, how: `:encoding(${match[1]})` });
    for (const match of code.matchAll(ENV_READ)) {
      const value = env.get(match[1]);
      if (value !== undefined && value.length <= 40) found.push({ name: value, line, how: `$ENV{${match[1]}}=${value}` });
    }
  });
  return found;
}

/** The demand-load table and the aliases of one Encode installation. */
export interface EncodeTables {
  /** Lower-cased encoding name → module (`Encode::JP`). */
  modules: Map<string, string>;
  /** Alias patterns with a fixed target, latest definition first (as `Encode::Alias::find_alias` tries them). */
  aliases: { pattern: RegExp; target: string }[];
  /** Where the table came from, for reasons. */
  config: string;
}

/**
 * Parses Encode/Config.pm's `%ExtModule`, the site's Encode/ConfigLocal.pm (written by `enc2xs -C`:
 * `$Encode::ExtModule{'name'} = 'Module';`, which Encode.pm loads after Config.pm) and the fixed-target
 * `define_alias` lines of Encode/Alias.pm.
 */
export function parseEncodeTables(configText: string, aliasText: string, config: string, localText = ''): EncodeTables {
  const modules = new Map<string, string>();
  for (const match of configText.matchAll(/^\s*'([^']+)'\s*=>\s*'(Encode::[\w:]+)'/gm)) modules.set(match[1].toLowerCase(), match[2]);
  for (const match of localText.matchAll(/\$Encode::ExtModule\{\s*'([^']+)'\s*\}\s*=\s*'([A-Za-z_]\w*(?:::\w+)*)'/g)) modules.set(match[1].toLowerCase(), match[2]);
  const aliases: { pattern: RegExp; target: string }[] = [];
  for (const match of aliasText.matchAll(/define_alias\(\s*qr\/((?:[^/\\]|\\.)+)\/(i?)\s*=>\s*'"([\w.:+ -]+)"'\s*\)/g)) {
    try {
      aliases.unshift({ pattern: new RegExp(match[1], match[2]), target: match[3] });
    } catch {
      // a Perl-only construct: that alias is not resolved
    }
  }
  return { modules, aliases, config };
}

/** The module that serves an encoding name, or undefined when Encode.pm itself does (utf8, ascii, latin1) or none. */
export function encodeModuleFor(tables: EncodeTables, name: string): string | undefined {
  const tried = new Set<string>();
  let current = name;
  for (let depth = 0; depth < 4 && !tried.has(current.toLowerCase()); depth++) {
    tried.add(current.toLowerCase());
    const direct = tables.modules.get(current.toLowerCase());
    if (direct !== undefined) return direct;
    const alias = tables.aliases.find(({ pattern }) => pattern.test(current));
    if (alias === undefined) return undefined;
    current = alias.target;
  }
  return undefined;
}

/** Encode's tables are a few kilobytes; larger files are not read (the image may be hostile). */
const TABLE_READ_LIMIT = 512 * 1024;

async function readBounded(context: AnalysisContext, path: string | undefined): Promise<string> {
  const entry = path === undefined ? undefined : entryAt(context, path);
  if (path === undefined || entry === undefined || (entry.type !== 'file' && entry.type !== 'hardlink') || entry.size > TABLE_READ_LIMIT) return '';
  return (await context.read(path)).toString('utf8');
}

const tablesOf = perRun<Map<string, Promise<EncodeTables | undefined>>>(() => new Map());

/** Reads the Encode tables of the first @INC directory holding Encode/Config.pm. */
export function encodeTables(context: AnalysisContext, inc: readonly string[]): Promise<EncodeTables | undefined> {
  const cache = tablesOf(context);
  const dir = inc.find((candidate) => entryAt(context, posix.join(candidate, 'Encode', 'Config.pm')) !== undefined);
  if (dir === undefined) return Promise.resolve(undefined);
  let tables = cache.get(dir);
  if (!tables) {
    tables = (async () => {
      const config = posix.join(dir, 'Encode', 'Config.pm');
      const alias = posix.join(dir, 'Encode', 'Alias.pm');
      const local = inc.map((candidate) => posix.join(candidate, 'Encode', 'ConfigLocal.pm')).find((path) => entryAt(context, path) !== undefined);
      return parseEncodeTables(await readBounded(context, config), await readBounded(context, alias), config, await readBounded(context, local));
    })();
    cache.set(dir, tables);
  }
  return tables;
}
