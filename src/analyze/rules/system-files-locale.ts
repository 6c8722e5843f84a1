/**
 * Locale and character-set conversion data of glibc (runtime-deps.md §3.4, §3.5).
 *
 * `setlocale(LC_ALL, "")` takes the locale from LC_ALL, then LC_<category>, then LANG, and loads it from
 * `/usr/lib/locale/locale-archive` or `/usr/lib/locale/<name>/LC_*` (`LOCPATH` overrides). `C` and `POSIX`
 * are built in; `C.UTF-8` is not (glibc 2.35 NEWS: it "must be installed"). `iconv_open` loads conversion
 * modules from the gconv directory compiled into libc (GCONV_PATH adds to it).
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';

const LOCALE_VARIABLES = ['LC_ALL', 'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES', 'LC_PAPER', 'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION', 'LANG'];
const DEFAULT_LOCALE_DIR = '/usr/lib/locale';

/** Locale names the image ENV asks for, other than the built-in C and POSIX. */
export function requestedLocales(env: ReadonlyMap<string, string>): string[] {
  const names = new Set<string>();
  for (const variable of LOCALE_VARIABLES) {
    const value = env.get(variable);
    if (value && value !== 'C' && value !== 'POSIX' && !value.includes('/')) names.add(value);
  }
  return [...names];
}

/**
 * The directory names glibc tries for a locale (`_nl_find_locale` via `_nl_make_l10nflist`): the name as
 * written, with the codeset normalized (`UTF-8` → `utf8`: lower case, alphanumerics only), and with parts
 * dropped (`de_DE.utf8@euro` → `de_DE@euro`, `de_DE`, `de`).
 */
export function localeDirectoryNames(name: string): string[] {
  const match = /^([^_.@]+)(_[^.@]+)?(\.[^@]+)?(@.+)?$/.exec(name);
  if (!match) return [name];
  const [, language, territory = '', codeset = '', modifier = ''] = match;
  const normalized = codeset ? `.${codeset.slice(1).toLowerCase().replace(/[^a-z0-9]/g, '')}` : '';
  const names = [name, `${language}${territory}${normalized}${modifier}`, `${language}${territory}${modifier}`, `${language}${territory}`, language];
  return [...new Set(names)];
}

/** Keeps the locale archive and the locale directories the ENV names. */
export function keepLocales(context: AnalysisContext, by: string): void {
  const locales = requestedLocales(context.env);
  if (locales.length === 0) return;
  const dir = context.env.get('LOCPATH') || DEFAULT_LOCALE_DIR;
  const detail = `the ENV selects locale ${locales.join(', ')}`;
  let found = context.keep(posix.join(DEFAULT_LOCALE_DIR, 'locale-archive'), { rule: 'locale', by, detail }) !== undefined;
  for (const locale of locales) {
    for (const name of localeDirectoryNames(locale)) {
      if (context.keepTree(posix.join(dir, name), { rule: 'locale', by, detail })) found = true;
    }
  }
  if (!found) context.warn(`${detail}, but neither ${DEFAULT_LOCALE_DIR}/locale-archive nor a locale directory for it is in the image; programs fall back to C`);
}

/** The gconv directory compiled into libc (a `…/gconv` string next to `gconv-modules.cache`). */
export function gconvDirectory(libcContent: Buffer): string | undefined {
  const match = /\0(\/[\x21-\x7e]*\/gconv)\0/.exec(libcContent.toString('latin1'));
  return match ? match[1] : undefined;
}

/** Keeps the gconv modules, their config and cache, for a program that calls iconv_open. */
export function keepGconv(context: AnalysisContext, libcPath: string, libcContent: Buffer, user: string): void {
  const dirs = [gconvDirectory(libcContent) ?? posix.join(posix.dirname(libcPath), 'gconv')];
  for (const extra of (context.env.get('GCONV_PATH') ?? '').split(':')) if (extra.startsWith('/')) dirs.push(extra);
  for (const dir of dirs) context.keepTree(dir, { rule: 'gconv', by: user, detail: `iconv_open loads conversion modules from ${dir}` });
}
