/**
 * Name service files of the C library (runtime-deps.md §3.1). glibc reads `/etc/nsswitch.conf` and, for every
 * service it names, `dlopen`s `libnss_<service>.so.2` (`nss/nss_module.c`); since 2.34 `files` and `dns` are
 * built into libc (`module_load_builtin`), before that they are modules too. A module that fails to load
 * makes its service UNAVAIL and the lookup goes on, so absent modules are not an error.
 *
 * `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf` are bind-mounted by Docker, containerd and Kubernetes
 * when a container starts, so the image copies are never seen and none of the three is kept.
 */
import { posix } from 'node:path';
import type { AnalysisContext } from '../types';

/** Files the runtime bind-mounts over the image at container start. */
export const RUNTIME_MOUNTED_FILES = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);

/**
 * Files the resolver and `getaddrinfo`/`getservbyname`/`getprotobyname` read: glibc (strings in libc.so.6),
 * musl (`src/network/lookup_serv.c`, `getprotoent` uses a built-in table but `/etc/services` is read) and
 * Go's `net` package all read some of them.
 */
export const NETWORK_FILES = ['/etc/host.conf', '/etc/gai.conf', '/etc/services', '/etc/protocols'] as const;

/** Services glibc ≥ 2.34 has inside libc. */
const BUILTIN_SERVICES = new Set(['files', 'dns']);

/**
 * The service names of an nsswitch.conf, in order of first appearance. `[NOTFOUND=return]` action blocks
 * are not services; comments run from `#` to the end of the line (`nss/nss_database.c` parsing).
 */
export function nsswitchServices(text: string): string[] {
  const services: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*/, '');
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const rest = line.slice(colon + 1).replace(/\[[^\]]*\]/g, ' ');
    for (const word of rest.split(/\s+/)) {
      if (/^[A-Za-z0-9_-]+$/.test(word) && !services.includes(word)) services.push(word);
    }
  }
  return services;
}

/** The services glibc loads as modules: all of them before 2.34, all but `files` and `dns` from 2.34. */
export function moduleServices(services: readonly string[], glibcMinor: number | undefined): string[] {
  // An unknown version is treated as modern: every supported Debian/Ubuntu/RHEL release now ships ≥ 2.34,
  // and keeping libnss_files.so.2 when it exists is harmless either way.
  const builtin = glibcMinor === undefined || glibcMinor >= 34 ? BUILTIN_SERVICES : new Set<string>();
  return services.filter((service) => !builtin.has(service));
}

/**
 * Where `dlopen("libnss_X.so.2")` from libc finds a module: libc's own directory (Debian puts every
 * libnss_* there) and the loader's default directories. LD_LIBRARY_PATH and ld.so.cache also apply to
 * dlopen; modules installed only in such an extra directory are the one case this misses.
 */
export function findNssModule(context: AnalysisContext, libcPath: string, service: string): string | undefined {
  const name = `libnss_${service}.so.2`;
  const dirs = [posix.dirname(libcPath), '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
  for (const dir of dirs) {
    const candidate = posix.join(dir, name);
    try {
      if (context.tree.resolve(candidate).entry) return candidate;
    } catch {
      // a symlink loop here is the same as an absent module for dlopen
    }
  }
  return undefined;
}

/** Keeps nsswitch.conf and the modules of the services it names, for the glibc at `libcPath`. */
export async function keepNameServices(context: AnalysisContext, libcPath: string, glibcMinor: number | undefined): Promise<void> {
  const conf = context.keep('/etc/nsswitch.conf', { rule: 'nsswitch', by: libcPath, detail: 'glibc reads /etc/nsswitch.conf for every getpw*, getgr*, getaddrinfo lookup' });
  // Without the file glibc 2.36 uses `files dns` for hosts and `files` elsewhere (nss_database_select_default).
  const services = conf === undefined ? ['files', 'dns'] : nsswitchServices((await context.read(conf)).toString('utf8'));
  for (const service of moduleServices(services, glibcMinor)) {
    const module = findNssModule(context, libcPath, service);
    if (module) context.keep(module, { rule: 'nss-module', by: conf ?? libcPath, detail: `service ${service} is loaded from libnss_${service}.so.2` });
  }
}

/** Keeps the resolver and services databases that exist. */
export function keepNetworkFiles(context: AnalysisContext, by: string, detail: string): void {
  for (const path of NETWORK_FILES) context.keep(path, { rule: 'network-file', by, detail });
}
