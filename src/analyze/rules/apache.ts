/**
 * Apache httpd: the server reads `SERVER_CONFIG_FILE` relative to `HTTPD_ROOT` (both compiled in and shown by
 * `httpd -V` as ` -D HTTPD_ROOT="/etc/apache2"`), follows `Include`/`IncludeOptional` (globs, a directory
 * meaning every file in it) relative to `ServerRoot`, loads each `LoadModule`/`LoadFile` shared object and
 * reads the `TypesConfig` (default `AP_TYPES_CONFIG_FILE`) and `MimeMagicFile` files (server/config.c,
 * modules/http/mod_mime.c). Every config file reached, module and file is kept with the file and line that
 * named it. Conditional sections (`<IfModule>`, `<IfDefine>`) are all followed: which hold depends on
 * `-D` flags and modules at start-up. Paths holding `${VAR}` are expanded from the image environment and the
 * `export VAR=value` lines of an `envvars` file next to the main config (Debian's `apache2ctl` sources it).
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { cStringsMatching } from './binary-strings';
import { expandPattern } from './path-references-includes';
import { entryAt, perRun } from './run-state';

const CONFIG_LIMIT = 1024 * 1024;
const INCLUDE_DEPTH = 16;

/** One directive of an Apache config file with its arguments (quotes removed) and line. */
export interface ApacheDirective {
  name: string;
  args: string[];
  line: number;
}

/** The directives of an Apache config file: `\` continues a line, `#` at the start is a comment. */
export function parseApacheConfig(text: string): ApacheDirective[] {
  const directives: ApacheDirective[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let current = lines[index];
    while (/\\\s*$/.test(current) && index + 1 < lines.length) current = current.replace(/\\\s*$/, ' ') + lines[++index];
    current = current.trim();
    if (current === '' || current.startsWith('#') || current.startsWith('</')) continue;
    const words = current.replace(/^<|>$/g, '').match(/"(?:[^"\\]|\\.)*"|'[^']*'|\S+/g) ?? [];
    const [name, ...args] = words.map((word) => (/^["'].*["']$/.test(word) ? word.slice(1, -1) : word));
    if (name) directives.push({ name: name.toLowerCase(), args, line });
  }
  return directives;
}

/** `export NAME=value` / `NAME=value` lines of a shell environment file, without substitutions. */
function envvarsOf(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"$`\\]*)"|'([^']*)'|([^\s"'$`\\;]*))\s*$/.exec(line);
    if (match) values.set(match[1], match[2] ?? match[3] ?? match[4] ?? '');
  }
  return values;
}

const stateOf = perRun(() => ({ done: new Set<string>() }));

async function readText(context: AnalysisContext, path: string): Promise<string | undefined> {
  const entry = entryAt(context, path);
  if (entry?.type !== 'file' && entry?.type !== 'hardlink') return undefined;
  if (entry.size > CONFIG_LIMIT) {
    context.warn(`${path}: ${entry.size} bytes is too large for an Apache configuration; not read`);
    return undefined;
  }
  return (await context.read(path)).toString('utf8');
}

/** Every regular file under a directory, in name order (an `Include` of a directory reads them all). */
function filesUnder(context: AnalysisContext, dir: string, depth = 0): string[] {
  if (depth > INCLUDE_DEPTH) return [];
  const files: string[] = [];
  for (const name of context.tree.list(context.tree.resolve(dir).path).sort()) {
    const path = posix.join(dir, name);
    const type = entryAt(context, path)?.type;
    if (type === 'dir') files.push(...filesUnder(context, path, depth + 1));
    else if (type !== undefined) files.push(path);
  }
  return files;
}

async function keepServer(program: string, content: Buffer, context: AnalysisContext): Promise<void> {
  const define = (name: string) => cStringsMatching(content, new RegExp(`^ -D ${name}="[^"]+"$`))[0]?.replace(/^[^"]*"|"$/g, '');
  const httpdRoot = define('HTTPD_ROOT');
  const configName = define('SERVER_CONFIG_FILE');
  if (httpdRoot === undefined || configName === undefined) return;
  const main = posix.resolve(httpdRoot, configName);
  const state = stateOf(context);
  if (state.done.has(main)) return;
  state.done.add(main);

  const variables = new Map(context.env);
  const envvars = posix.join(posix.dirname(main), 'envvars');
  const envText = await readText(context, envvars);
  if (envText !== undefined) for (const [name, value] of envvarsOf(envText)) if (!variables.has(name)) variables.set(name, value);
  const expand = (value: string): string | undefined => {
    let unresolved = false;
    const result = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = variables.get(name);
      if (found === undefined) unresolved = true;
      return found ?? '';
    });
    return unresolved || result.includes('\0') ? undefined : result;
  };

  let serverRoot = httpdRoot;
  let typesConfigSeen = false;
  const visited = new Set<string>();
  const walk = async (file: string, reason: Reason, depth: number): Promise<void> => {
    if (visited.has(file) || depth > INCLUDE_DEPTH) return;
    visited.add(file);
    if (context.keep(file, reason) === undefined) return;
    const text = await readText(context, file);
    if (text === undefined) return;
    for (const directive of parseApacheConfig(text)) {
      const origin = { path: file, line: directive.line };
      const raw = directive.name === 'loadmodule' ? directive.args[1] : directive.args[0];
      if (raw === undefined) continue;
      const value = expand(raw);
      if (value === undefined) continue;
      const path = posix.resolve(serverRoot, value);
      switch (directive.name) {
        case 'serverroot':
          serverRoot = path;
          break;
        case 'include':
        case 'includeoptional': {
          const matches = /[*?[]/.test(value) ? expandPattern(context.tree, path) : entryAt(context, path) ? [path] : [];
          if (matches.length === 0 && directive.name === 'include') context.warn(`${file}: line ${directive.line} includes ${value}, which is not in the image`);
          for (const match of matches.sort()) {
            const targets = entryAt(context, match)?.type === 'dir' ? filesUnder(context, match) : [match];
            for (const target of targets) await walk(target, { rule: 'apache-config', by: file, detail: `${directive.name === 'include' ? 'Include' : 'IncludeOptional'} ${raw} at line ${directive.line}`, origin }, depth + 1);
          }
          break;
        }
        case 'loadmodule':
        case 'loadfile':
          if (context.keep(path, { rule: 'apache-module', by: file, detail: `${directive.name === 'loadmodule' ? `LoadModule ${directive.args[0]}` : 'LoadFile'} ${raw} at line ${directive.line}`, origin }) === undefined) {
            context.warn(`${file}: line ${directive.line} loads ${value}, which is not in the image; httpd will not start`);
          }
          break;
        case 'typesconfig':
        case 'mimemagicfile':
          typesConfigSeen ||= directive.name === 'typesconfig';
          context.keep(path, { rule: 'apache-file', by: file, detail: `${directive.name === 'typesconfig' ? 'TypesConfig' : 'MimeMagicFile'} ${raw} at line ${directive.line}`, origin });
          break;
      }
    }
  };
  await walk(main, { rule: 'apache-config', by: program, detail: `httpd reads ${configName} from its compiled-in HTTPD_ROOT ${httpdRoot}` }, 0);
  if (envText !== undefined) context.keep(envvars, { rule: 'apache-config', by: program, detail: `environment of the server's configuration (\${VAR} in ${main})` });
  const defaultTypes = define('AP_TYPES_CONFIG_FILE');
  if (!typesConfigSeen && defaultTypes !== undefined) {
    context.keep(posix.resolve(serverRoot, defaultTypes), { rule: 'apache-file', by: program, detail: `mod_mime's default TypesConfig ${defaultTypes}` });
  }
}

export const apacheRule: FileRule = {
  id: 'apache',
  description: "Apache httpd's configuration with its includes, the modules it loads and the files it names",
  async inspect(file, context) {
    if (file.head[0] !== 0x7f) return;
    const content = await context.read(file.path);
    if (!content.includes(Buffer.from(' -D SERVER_CONFIG_FILE="', 'latin1'))) return;
    await keepServer(file.path, content, context);
  },
};
