/**
 * Time zone files (runtime-deps.md §3.6). glibc's `tzset` reads `TZ`, else `/etc/localtime`; a `TZ` that
 * names a zone is looked up under `TZDIR` (default `/usr/share/zoneinfo`). Go's `time` package reads
 * `/etc/localtime` for `time.Local` and searches `ZONEINFO`, `/usr/share/zoneinfo/`, … for `LoadLocation`.
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';

/** glibc's compiled-in TZDIR on every mainstream distribution (and Go's first zoneinfo directory). */
export const DEFAULT_TZDIR = '/usr/share/zoneinfo';

function zoneDir(context: AnalysisContext): string {
  return context.env.get('TZDIR') || DEFAULT_TZDIR;
}

/** Keeps `/etc/localtime` (and the zone file it links to) and Debian's `/etc/timezone` name file. */
export function keepLocaltime(context: AnalysisContext, by: string, detail: string): void {
  context.keep('/etc/localtime', { rule: 'tzdata', by, detail });
  context.keep('/etc/timezone', { rule: 'tzdata', by, detail });
}

/**
 * Keeps the zoneinfo database, without the `right/` copies: those count leap seconds, which only a TZ that
 * names `right/…` uses (and such a TZ keeps its own file through {@link keepTimezoneFromEnv}).
 */
export function keepZoneinfo(context: AnalysisContext, by: string, detail: string): void {
  const dir = context.env.get('ZONEINFO') && context.env.get('ZONEINFO')!.startsWith('/') && !context.env.get('ZONEINFO')!.endsWith('.zip') ? context.env.get('ZONEINFO')! : zoneDir(context);
  const found = context.keepTree(dir, { rule: 'tzdata', by, detail }, (entry) => !/\/right(\/|$)/.test(entry.path.slice(1)));
  if (!found) context.warn(`${by}: ${detail}, but the image has no ${dir}`);
}

/**
 * What `TZ` asks for. POSIX says a leading `:` means an implementation-defined (glibc: file) name; without
 * it glibc first tries the value as a file name too, and only then parses it as a rule like `CET-1CEST`.
 */
export function keepTimezoneFromEnv(context: AnalysisContext): void {
  const tz = context.env.get('TZ');
  if (tz === undefined || tz === '') return;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  const detail = `TZ=${tz}`;
  if (name === '') return;
  const file = name.startsWith('/') ? name : posix.join(zoneDir(context), name);
  if (!file.includes('..') && context.keep(file, { rule: 'tzdata', detail }) !== undefined) return;
  // A POSIX rule (`UTC0`, `EST5EDT`, `<+03>-3`) names no file; with DST but no transition rules glibc reads
  // TZDEFRULES (`posixrules`) for them.
  const isPosixRule = /^(<[^>]+>|[A-Za-z]{3,})[+-]?\d/.test(name);
  if (isPosixRule) {
    if (/^(<[^>]+>|[A-Za-z]{3,})[+-]?[\d:]+(<[^>]+>|[A-Za-z]{3,})$/.test(name)) {
      context.keep(posix.join(zoneDir(context), 'posixrules'), { rule: 'tzdata', detail: `${detail} has DST without rules: glibc reads posixrules` });
    }
    return;
  }
  context.warn(`${detail} names a zone the image does not have (${file}); times will be shown in UTC`);
}
