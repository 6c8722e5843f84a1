/**
 * PHP: every SAPI (`php` CLI, `php-fpm`, `php-cgi`, the Apache module `libphp*.so`) reads `php.ini` from its
 * compiled-in configuration directory (or `$PHPRC`), then every `*.ini` file of its compiled-in scan
 * directory (`conf.d`, or the `:`-separated `$PHP_INI_SCAN_DIR`, where an empty entry stands for the
 * compiled-in one) in alphabetical order (main/php_ini.c). Extensions are loaded by `extension=` and
 * `zend_extension=` lines: a bare name is looked up in `extension_dir` (the ini setting, else the compiled-in
 * `…/<API date>` directory), as given and with `.so` appended. The files an ini enables are kept with the
 * ini file and line as origin; files of the scan directory that are not `.ini` are not read by PHP and not
 * kept.
 *
 * Time zones: Debian's PHP reads the system tzdata (`/usr/share/zoneinfo/%s`, named in the binary) for
 * `date.timezone`, and uses `UTC` when no ini sets it.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { cStringsMatching, hasCString } from './binary-strings';
import { entryAt, perRun } from './run-state';

/** An ini file larger than this is not a PHP configuration; it is skipped with a warning. */
const INI_LIMIT = 1024 * 1024;
/** The marker of a PHP SAPI: the environment variable it reads for the scan directory. */
const SCAN_DIR_VARIABLE = 'PHP_INI_SCAN_DIR';
/** PHP's default time zone when no ini file sets `date.timezone`. */
const DEFAULT_TIMEZONE = 'UTC';

/** One `key = value` setting of a PHP ini file. */
export interface PhpIniSetting {
  key: string;
  value: string;
  line: number;
}

/**
 * The settings of a PHP ini file: `key = value` lines, `;` comments, `[section]` headers skipped; values may
 * be double- or single-quoted. Lines that are not settings are ignored, as PHP's parser would reject the file
 * but no file of the image can make this one fail.
 */
export function parsePhpIni(text: string): PhpIniSetting[] {
  const settings: PhpIniSetting[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const match = /^([\w.\-\[\]]+)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    const quoted = /^"([^"]*)"|^'([^']*)'/.exec(value);
    if (quoted) value = quoted[1] ?? quoted[2];
    else value = value.replace(/\s;.*$/, '').trim();
    settings.push({ key: match[1].toLowerCase(), value, line: index + 1 });
  }
  return settings;
}

interface Setting extends PhpIniSetting {
  file: string;
}

const stateOf = perRun(() => ({ seen: new Set<string>() }));

async function readIni(context: AnalysisContext, path: string): Promise<PhpIniSetting[] | undefined> {
  const entry = entryAt(context, path);
  if (entry?.type !== 'file' && entry?.type !== 'hardlink') return undefined;
  if (entry.size > INI_LIMIT) {
    context.warn(`${path}: ${entry.size} bytes is too large for a PHP ini file; not read`);
    return undefined;
  }
  return parsePhpIni((await context.read(path)).toString('utf8'));
}

/** The files of a scan directory PHP reads: names ending in `.ini`, in byte order. */
function scanDirFiles(context: AnalysisContext, dir: string): string[] {
  if (entryAt(context, dir)?.type !== 'dir') return [];
  return context.tree
    .list(context.tree.resolve(dir).path)
    .filter((name) => name.endsWith('.ini'))
    .sort()
    .map((name) => posix.join(dir, name));
}

async function keepSapi(by: string, content: Buffer, context: AnalysisContext): Promise<void> {
  const env = context.env;
  const directories = cStringsMatching(content, /^\/[\w.+/-]+$/).filter((path) => entryAt(context, path)?.type === 'dir');
  const settings: Setting[] = [];
  const readInto = async (path: string, reason: Reason): Promise<void> => {
    if (context.keep(path, reason) === undefined) return;
    for (const setting of (await readIni(context, path)) ?? []) settings.push({ ...setting, file: path });
  };

  // php.ini: $PHPRC (a directory or a file), else the compiled-in configuration directory.
  const phprc = env.get('PHPRC');
  const iniCandidates = [
    ...(phprc ? [entryAt(context, phprc)?.type === 'dir' ? posix.join(phprc, 'php.ini') : phprc] : []),
    ...directories.map((dir) => posix.join(dir, 'php.ini')),
  ];
  const ini = iniCandidates.find((path) => entryAt(context, path) !== undefined);
  if (ini !== undefined) await readInto(ini, { rule: 'php-ini', by, detail: `PHP reads ${ini}${phprc && ini.startsWith(phprc) ? ' ($PHPRC)' : ''}` });

  const compiledScanDirs = directories.filter((dir) => posix.basename(dir) === 'conf.d' && (ini === undefined || posix.dirname(dir) === posix.dirname(ini)));
  const scanVariable = env.get(SCAN_DIR_VARIABLE);
  const scanDirs = scanVariable === undefined ? compiledScanDirs : scanVariable.split(':').flatMap((dir) => (dir === '' ? compiledScanDirs : [dir]));
  for (const dir of scanDirs) {
    for (const file of scanDirFiles(context, dir)) {
      await readInto(file, { rule: 'php-ini', by, detail: `PHP reads every *.ini of its scan directory ${dir}${scanVariable !== undefined ? ` ($${SCAN_DIR_VARIABLE})` : ''}` });
    }
  }

  const extensionDir =
    settings.filter((setting) => setting.key === 'extension_dir').pop()?.value ??
    directories.find((dir) => /\/\d{8}(-zts)?(-debug)?$/.test(dir));
  for (const setting of settings) {
    if (setting.key !== 'extension' && setting.key !== 'zend_extension') continue;
    const name = setting.value;
    if (name === '' || name.includes('\0')) continue;
    const candidates = name.includes('/') ? [name] : extensionDir ? [posix.join(extensionDir, name), posix.join(extensionDir, `${name}.so`)] : [];
    const found = candidates.find((path) => entryAt(context, path) !== undefined);
    const origin = { path: setting.file, line: setting.line };
    if (found === undefined) {
      context.warn(`${setting.file}: line ${setting.line} loads the PHP extension ${name}, which is not in the image`);
      continue;
    }
    context.keep(found, { rule: 'php-extension', by: setting.file, detail: `${setting.key}=${name} at line ${setting.line}`, origin });
  }

  if (hasCString(content, '/usr/share/zoneinfo/%s')) {
    const timezone = settings.filter((setting) => setting.key === 'date.timezone').pop();
    const zone = timezone?.value || DEFAULT_TIMEZONE;
    if (/^[\w+-]+(\/[\w+-]+)*$/.test(zone)) {
      const path = `/usr/share/zoneinfo/${zone}`;
      const reason: Reason = timezone
        ? { rule: 'php-timezone', by: timezone.file, detail: `date.timezone = ${zone} at line ${timezone.line}`, origin: { path: timezone.file, line: timezone.line } }
        : { rule: 'php-timezone', by, detail: `PHP uses ${DEFAULT_TIMEZONE} when no ini sets date.timezone, from the system tzdata` };
      if (context.keep(path, reason) === undefined) context.warn(`${by}: the time zone ${zone} is not in the image's tzdata`);
    }
  }
}

export const phpRule: FileRule = {
  id: 'php',
  description: 'php.ini and the scan directory of every PHP SAPI, the extensions they enable, the time zone',
  async inspect(file, context) {
    if (file.head[0] !== 0x7f) return;
    const content = await context.read(file.path);
    if (!hasCString(content, SCAN_DIR_VARIABLE)) return;
    const state = stateOf(context);
    if (state.seen.has(file.path)) return;
    state.seen.add(file.path);
    await keepSapi(file.path, content, context);
  },
};
