/**
 * System files a process opens by name at run time, which no ELF header and no command line shows
 * (runtime-deps.md §3): account databases, NSS config and modules, resolver files, the CA bundle and
 * OpenSSL's config/providers/engines, time zones, locales, gconv modules, and `/tmp`.
 *
 * Two rules share this file: {@link systemFilesImageRule} looks at the config once (USER, TZ, /tmp);
 * {@link systemFilesFileRule} reacts to what each kept file is (glibc, musl, a Go program, a TLS library, a
 * language runtime, an iconv user; see `system-files-programs.ts`). Each trigger keeps what the component
 * reads, with the component as `by`, so `why` shows e.g. `/etc/nsswitch.conf ← libc.so.6 ← nginx`.
 */
import { posix } from 'node:path';
import { hasElfMagic } from '../elf';
import type { AnalysisContext, FileRule, ImageRule } from '../types';
import { keepAccountFiles, userNeedsLookup } from './system-files-accounts';
import { isElfProgram } from './binary-strings';
import { keepAllLocales, keepCUtf8Locale, keepGconv, keepLocales, keepMessageCatalogs, usesGettext, type GconvNeed } from './system-files-locale';
import { keepNameServices, keepNetworkFiles } from './system-files-nss';
import { programTraits } from './system-files-programs';
import { keepCaBundle, keepOpenSslFiles } from './system-files-tls';
import { keepLocaltime, keepTimezoneFromEnv, keepZoneinfo } from './system-files-time';

/** What the file rule has seen so far in one analysis run. */
interface SeenState {
  /** The first glibc libc.so.6 kept. */
  glibc?: { path: string };
  /** Converters met before libc; handled once libc shows up. */
  iconvUsers: GconvNeed[];
  accountsFromOwner: boolean;
}

const seen = new WeakMap<AnalysisContext, SeenState>();

function stateOf(context: AnalysisContext): SeenState {
  let state = seen.get(context);
  if (!state) seen.set(context, (state = { iconvUsers: [], accountsFromOwner: false }));
  return state;
}

/** gettext converts a catalog from its charset to the locale's with iconv, which reads the gconv configuration. */
function gettextConversion(by: string): GconvNeed {
  return { user: by, scope: 'locale', why: `gettext converts the message catalogs ${by} uses to the locale's character set` };
}

export const systemFilesImageRule: ImageRule = {
  id: 'system-files',
  description: 'keeping /tmp and the system files the image config asks for',
  async apply(context) {
    // Too many programs assume /tmp exists (distroless adds it for that reason); the directory alone, 1777.
    const tmp = context.tree.lstat('/tmp');
    if (tmp?.type === 'dir') {
      context.keep('/tmp', { rule: 'tmp', detail: 'programs expect a world-writable /tmp' });
      if ((tmp.mode & 0o1777) !== 0o1777) context.warn(`/tmp has mode ${tmp.mode.toString(8)}, not 1777; kept as it is`);
    } else {
      context.warn('the image has no /tmp directory; programs that need one will fail (add one with --keep or in the Dockerfile)');
    }
    const user = context.config.User;
    if (user) {
      // The runtime resolves a USER name in the image's own /etc/passwd and /etc/group before exec (OCI
      // runtime spec, `process.user`), and looks up supplementary groups of numeric ones there too.
      const missing = keepAccountFiles(context, undefined, `USER ${user}`);
      if (missing.length > 0 && userNeedsLookup(user)) {
        context.warn(`USER ${user} is a name, but the image has no ${missing.join(' or ')}: the container will not start`);
      }
    }
    keepTimezoneFromEnv(context);
  },
};

export const systemFilesFileRule: FileRule = {
  id: 'system-files',
  description: 'system files that libraries and runtimes open by name',
  async inspect(file, context) {
    const state = stateOf(context);
    if ((file.entry.uid !== 0 || file.entry.gid !== 0) && !state.accountsFromOwner) {
      state.accountsFromOwner = true;
      keepAccountFiles(context, file.path, `owned by ${file.entry.uid}:${file.entry.gid}; names for non-root owners come from /etc/passwd and /etc/group`);
    }
    if (/\/zoneinfo\/_tzpath\.py$/.test(file.path)) {
      // Python's zoneinfo module (3.9+) searches TZPATH, /usr/share/zoneinfo first, unless the tzdata package is installed.
      keepZoneinfo(context, file.path, 'Python zoneinfo reads zones by name');
    }
    if (!hasElfMagic(file.head)) return;
    const content = await context.read(file.path);
    const traits = programTraits(file.path, content);
    const by = file.path;
    // A program that names the C.UTF-8 locale (PHP sets LC_CTYPE to it at start-up) loads it with setlocale:
    // unlike C and POSIX it is not built into glibc (glibc 2.35 NEWS).
    if (content.includes('C.UTF-8')) keepCUtf8Locale(context, { rule: 'locale', by, detail: 'names the C.UTF-8 locale, which setlocale loads from here (not built into glibc)' });

    if (traits.glibc) {
      if (!state.glibc) state.glibc = { path: file.path };
      const minor = traits.glibc.minor;
      // getpwuid, getgrgid, getaddrinfo are in every glibc program's reach (even `ls -l` and `id`); the files
      // are small, so any glibc program keeps them rather than guessing from its imports.
      keepAccountFiles(context, by, 'glibc getpw*/getgr* read /etc/passwd and /etc/group');
      await keepNameServices(context, file.path, minor);
      keepNetworkFiles(context, by, 'glibc getaddrinfo, getservbyname and getprotobyname read it');
      keepLocaltime(context, by, 'glibc localtime reads /etc/localtime when TZ is unset');
      keepLocales(context, by);
      if (keepMessageCatalogs(context, by, content, 'libc')) state.iconvUsers.push(gettextConversion(by));
      for (const need of state.iconvUsers.splice(0)) await keepGconv(context, file.path, content, need);
      return;
    }
    if (traits.musl) {
      // musl has no NSS: getpw* and getservbyname read the files directly (src/passwd, src/network).
      keepAccountFiles(context, by, 'musl getpw*/getgr* read /etc/passwd and /etc/group');
      keepNetworkFiles(context, by, 'musl getaddrinfo and getservbyname read it');
      keepLocaltime(context, by, 'musl localtime reads /etc/localtime when TZ is unset');
      return;
    }
    const needs: GconvNeed[] = [];
    if (traits.iconv) {
      needs.push(isElfProgram(content)
        ? { user: by, scope: 'all', why: `${by} calls iconv_open itself` }
        : { user: by, scope: 'locale', why: `${by} converts with iconv_open as a library` });
    }
    if (usesGettext(content) && keepMessageCatalogs(context, by, content)) needs.push(gettextConversion(by));
    for (const need of needs) {
      if (state.glibc) await keepGconv(context, state.glibc.path, await context.read(state.glibc.path), need);
      else state.iconvUsers.push(need);
    }
    if (posix.basename(file.path) === 'locale' && content.includes('/locale-archive\0')) {
      keepAllLocales(context, by, '`locale -a` lists every installed locale, and programs that run it load what it lists');
    }
    if (traits.go) {
      const go = traits.go;
      if (go.x509) keepCaBundle(context, by, 'Go crypto/x509 loads the system roots');
      if (go.user) keepAccountFiles(context, by, 'Go os/user reads /etc/passwd and /etc/group');
      if (go.net) {
        context.keep('/etc/nsswitch.conf', { rule: 'nsswitch', by, detail: 'Go net reads the hosts line of /etc/nsswitch.conf' });
        keepNetworkFiles(context, by, 'Go net reads it');
      }
      keepLocaltime(context, by, 'Go time.Local reads /etc/localtime when TZ is unset');
      if (go.loadLocation && !go.embeddedTzdata) keepZoneinfo(context, by, 'Go time.LoadLocation reads zones by name');
    }
    if (traits.tlsLibrary) keepCaBundle(context, by, `${traits.tlsLibrary} verifies peers with the system CA bundle`);
    if (traits.libcrypto) keepOpenSslFiles(context, by, content);
    if (traits.runtime) keepCaBundle(context, by, `the ${traits.runtime} runtime verifies TLS peers with the system CA bundle`);
  },
};
