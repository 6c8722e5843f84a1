/**
 * Locale and character-set conversion data of glibc (runtime-deps.md §3.4, §3.5).
 *
 * `setlocale(LC_ALL, "")` takes the locale from LC_ALL, then LC_<category>, then LANG, and loads it from
 * `/usr/lib/locale/locale-archive` or `/usr/lib/locale/<name>/LC_*` (`LOCPATH` overrides). `C` and `POSIX`
 * are built in; `C.UTF-8` is not (glibc 2.35 NEWS: it "must be installed"). `iconv_open` loads conversion
 * modules from the gconv directory compiled into libc (GCONV_PATH adds to it).
 */
import { posix } from 'node:path';
import type { AnalysisContext, Reason } from '../types';
import { entryAt } from './run-state';

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

/** Files where setlocale and gettext look up locale name aliases (glibc LOCALE_ALIAS_PATH). */
const LOCALE_ALIAS_FILES = ['/etc/locale.alias', '/usr/share/locale/locale.alias'];

/**
 * Keeps the locale archive and the locale directories the ENV names. glibc maps the whole archive and finds
 * a locale inside it by name, so the archive cannot be cut down to the one locale; directories
 * (`/usr/lib/locale/<name>/`) are kept only for the names asked for.
 */
export function keepLocales(context: AnalysisContext, by: string): void {
  const locales = requestedLocales(context.env);
  if (locales.length === 0) return;
  const dir = context.env.get('LOCPATH') || DEFAULT_LOCALE_DIR;
  const detail = `the ENV selects locale ${locales.join(', ')}`;
  let found = context.keep(posix.join(DEFAULT_LOCALE_DIR, 'locale-archive'), { rule: 'locale', by, detail: `${detail}; glibc maps the whole archive and finds the locale in it by name` }) !== undefined;
  for (const locale of locales) {
    for (const name of localeDirectoryNames(locale)) {
      if (context.keepTree(posix.join(dir, name), { rule: 'locale', by, detail })) found = true;
    }
  }
  if (!found) {
    context.warn(`${detail}, but neither ${DEFAULT_LOCALE_DIR}/locale-archive nor a locale directory for it is in the image; programs fall back to C`);
    return;
  }
  for (const alias of LOCALE_ALIAS_FILES) context.keep(alias, { rule: 'locale', by, detail: 'setlocale resolves locale name aliases through locale.alias' });
}

/**
 * Keeps the C.UTF-8 locale's LC_CTYPE for a program that switches to it (setlocale to "C.UTF-8", Python's
 * PEP 538 coercion) and, since a UTF-8 locale is then active, the gconv module cache glibc reads.
 */
export function keepCUtf8Locale(context: AnalysisContext, reason: Reason): void {
  for (const dir of ['C.utf8', 'C.UTF-8']) {
    if (context.keep(posix.join(DEFAULT_LOCALE_DIR, dir, 'LC_CTYPE'), reason) === undefined) continue;
    for (const gconv of ['/usr/lib/x86_64-linux-gnu/gconv', '/usr/lib/aarch64-linux-gnu/gconv', '/usr/lib/gconv']) {
      context.keep(posix.join(gconv, 'gconv-modules.cache'), { ...reason, detail: 'read by glibc once a UTF-8 locale is active' });
    }
  }
}

/** Keeps every installed locale: for `locale -a` and the programs that load what it lists. */
export function keepAllLocales(context: AnalysisContext, by: string, why: string): void {
  const dir = context.env.get('LOCPATH') || DEFAULT_LOCALE_DIR;
  context.keepTree(dir, { rule: 'locale', by, detail: why });
}

/** Imports that show a program or library translates its messages with gettext. */
const GETTEXT_IMPORTS = ['dcgettext', 'dgettext', 'gettext', 'ngettext', 'dcngettext', 'dngettext', 'textdomain', 'bindtextdomain'].map((name) => Buffer.from(`\0${name}\0`, 'latin1'));
const DEFAULT_CATALOG_DIR = '/usr/share/locale';

/** The locale LC_MESSAGES resolves to: LC_ALL, then LC_MESSAGES, then LANG; undefined for C/POSIX or unset. */
export function messagesLocale(env: ReadonlyMap<string, string>): string | undefined {
  const value = env.get('LC_ALL') || env.get('LC_MESSAGES') || env.get('LANG');
  return value && value !== 'C' && value !== 'POSIX' && !value.startsWith('C.') && !value.includes('/') ? value : undefined;
}

/**
 * The catalog directory names gettext tries, in order (`_nl_find_domain`, `_nl_explode_name`): each entry of
 * LANGUAGE — which counts only when the messages locale is not C — then the messages locale, each with the
 * codeset, the normalized codeset, and parts dropped (`de_DE.UTF-8` → `de_DE.utf8`, `de_DE`, `de`).
 */
export function catalogLanguages(env: ReadonlyMap<string, string>): string[] {
  const locale = messagesLocale(env);
  if (locale === undefined) return [];
  const names = [...(env.get('LANGUAGE') ?? '').split(':').filter((name) => name !== '' && !name.includes('/')), locale];
  return [...new Set(names.flatMap(localeDirectoryNames))];
}

/** Whether an ELF translates messages with gettext (it imports one of its functions). */
export function usesGettext(content: Buffer): boolean {
  return GETTEXT_IMPORTS.some((name) => content.includes(name));
}

/**
 * Keeps the message catalogs of the text domains an ELF binds, for the languages the ENV selects: every
 * `<dir>/<language>/LC_MESSAGES/<domain>.mo` of the image whose domain is a string of the ELF (the argument of
 * its `textdomain`/`bindtextdomain`/`dgettext` calls), `<dir>` being `/usr/share/locale` or a `…/locale`
 * directory compiled into it. `domain` names the one domain instead (glibc's `libc`, whose string is merged
 * into a longer one). Returns whether any catalog was kept.
 */
export function keepMessageCatalogs(context: AnalysisContext, by: string, content: Buffer, domain?: string): boolean {
  const languages = catalogLanguages(context.env);
  if (languages.length === 0) return false;
  const dirs = new Set([DEFAULT_CATALOG_DIR]);
  for (const match of content.toString('latin1').matchAll(/\0(\/[\x21-\x7e]*\/locale)\0/g)) dirs.add(match[1]);
  let kept = false;
  for (const dir of dirs) {
    for (const language of languages) {
      const messages = posix.join(dir, language, 'LC_MESSAGES');
      if (entryAt(context, messages)?.type !== 'dir') continue;
      const real = context.tree.resolve(messages).path;
      for (const name of context.tree.list(real)) {
        if (!name.endsWith('.mo')) continue;
        const candidate = name.slice(0, -3);
        // The domain string may share its bytes with a longer one (the linker merges string tails), so it
        // needs a NUL after it only.
        if (domain !== undefined ? candidate !== domain : !content.includes(Buffer.from(`${candidate}\0`, 'latin1'))) continue;
        const detail = `messages of text domain ${candidate} in ${language}, for the ENV's ${messagesLocale(context.env)}`;
        if (context.keep(posix.join(messages, name), { rule: 'message-catalog', by, detail }) !== undefined) kept = true;
      }
    }
  }
  return kept;
}

/** The gconv directory compiled into libc (a `…/gconv` string next to `gconv-modules.cache`). */
export function gconvDirectory(libcContent: Buffer): string | undefined {
  const match = /\0(\/[\x21-\x7e]*\/gconv)\0/.exec(libcContent.toString('latin1'));
  return match ? match[1] : undefined;
}

/** Who needs conversion modules, and how many. */
export interface GconvNeed {
  /** The kept file that converts. */
  user: string;
  /**
   * `all`: a program that calls iconv_open itself converts between whatever character sets its input names.
   * `locale`: a library converting incidentally (IDN, C++ locale facets, gettext) converts between the
   * kept locales' character sets and UTF-8 only.
   */
  scope: 'all' | 'locale';
  why: string;
}

/** `module FROM TO FILE [COST]` and `alias ALIAS TARGET` lines of gconv-modules files (iconv/gconv_conf.c). */
export function parseGconvModules(text: string): { modules: Array<{ from: string; to: string; file: string }>; aliases: Map<string, string> } {
  const modules: Array<{ from: string; to: string; file: string }> = [];
  const aliases = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (fields[0] === 'alias' && fields.length >= 3) aliases.set(fields[1].toUpperCase(), fields[2].toUpperCase());
    else if (fields[0] === 'module' && fields.length >= 4) modules.push({ from: fields[1].toUpperCase(), to: fields[2].toUpperCase(), file: fields[3] });
  }
  return { modules, aliases };
}

/** The character set a locale name states (`de_DE.ISO-8859-1` → `ISO-8859-1`); undefined when none. */
export function localeCharset(name: string): string | undefined {
  const match = /\.([^@]+)/.exec(name);
  return match ? match[1].toUpperCase() : undefined;
}

/** Charsets gconv converts without a module (iconv/gconv_builtin.h). */
const BUILTIN_CHARSETS = /^(UTF-?8|UTF-?16(LE|BE)?|UTF-?32(LE|BE)?|UCS-?2(LE|BE)?|UCS-?4(LE|BE)?|ISO-10646\/.*|ANSI_X3\.4-1968|ASCII|US-ASCII|INTERNAL|WCHAR_T)$/;

/** Keeps the gconv configuration and the modules a converter needs (all of them, or the locales' ones). */
export async function keepGconv(context: AnalysisContext, libcPath: string, libcContent: Buffer, need: GconvNeed): Promise<void> {
  const dirs = [gconvDirectory(libcContent) ?? posix.join(posix.dirname(libcPath), 'gconv')];
  for (const extra of (context.env.get('GCONV_PATH') ?? '').split(':')) if (extra.startsWith('/')) dirs.push(extra);
  for (const dir of dirs) {
    if (need.scope === 'all') {
      context.keepTree(dir, { rule: 'gconv', by: need.user, detail: `${need.why}; it may convert between any character sets its input names, so every module in ${dir} is kept` });
      continue;
    }
    const config = { rule: 'gconv', by: need.user, detail: `${need.why}; iconv_open reads the module configuration of ${dir}` };
    context.keep(posix.join(dir, 'gconv-modules.cache'), config);
    const texts: string[] = [];
    for (const path of [posix.join(dir, 'gconv-modules')]) if (context.keep(path, config) !== undefined) texts.push((await context.read(path)).toString('utf8'));
    if (context.keepTree(posix.join(dir, 'gconv-modules.d'), config)) {
      const real = context.tree.resolve(posix.join(dir, 'gconv-modules.d')).path;
      for (const name of context.tree.list(real)) if (name.endsWith('.conf')) texts.push((await context.read(posix.join(real, name))).toString('utf8'));
    }
    const { modules, aliases } = parseGconvModules(texts.join('\n'));
    for (const locale of requestedLocales(context.env)) {
      const named = localeCharset(locale);
      if (named === undefined || BUILTIN_CHARSETS.test(named)) continue;
      const charset = `${aliases.get(`${named}//`)?.replace(/\/\/$/, '') ?? named}//`;
      for (const module of modules.filter((m) => m.from === charset || m.to === charset)) {
        const file = module.file.startsWith('/') ? module.file : posix.join(dir, module.file);
        context.keep(`${file}.so`, { rule: 'gconv', by: need.user, detail: `${need.why}; converts the kept locale's ${named} (only the kept locales' character sets: it converts incidentally, not what its input names)` });
      }
    }
  }
}
