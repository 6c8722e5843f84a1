/**
 * `ctypes`: shared libraries a Python program loads by name. `ctypes.util.find_library('magic')` on Linux
 * (CPython 3.x Lib/ctypes/util.py) runs `/sbin/ldconfig -p` and takes the first line of the cache listing
 * whose name starts with `libmagic.` for the interpreter's ABI, then falls back to `gcc`/`cc`, `ld -t` and
 * `objdump` when that finds nothing; `CDLL('libmagic.so.1')` is a `dlopen`, which searches like the loader
 * (ld.so.cache, then the default directories). Both are followed for string-literal names: the program
 * `ldconfig` and the cache it prints are kept with the library `ldconfig -p` would name, and the ELF rule
 * then keeps the library's own closure.
 */
import { posix } from 'node:path';
import { CACHE_FLAGS_AARCH64, CACHE_FLAGS_X86_64, parseLdCache, type LdCacheEntry } from '../ldcache';
import type { AnalysisContext, Reason } from '../types';
import { entryAt } from './run-state';

const LD_SO_CACHE = '/etc/ld.so.cache';
/** The path ctypes.util runs (a literal in `_findSoname_ldconfig`). */
const LDCONFIG = '/sbin/ldconfig';
/** glibc's built-in search directories (with Debian's multiarch ones), after the cache (a dlopen of a bare name). */
const DEFAULT_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib', '/usr/lib', '/lib64', '/usr/lib64'];

/** The ld.so.cache flags of the image's architecture, or undefined to accept any entry. */
function cacheFlags(context: AnalysisContext): number | undefined {
  const arch = context.config.architecture;
  if (arch === 'amd64') return CACHE_FLAGS_X86_64;
  if (arch === 'arm64') return CACHE_FLAGS_AARCH64;
  return undefined;
}

async function cacheEntries(context: AnalysisContext): Promise<LdCacheEntry[] | undefined> {
  const entry = entryAt(context, LD_SO_CACHE);
  if (!entry || (entry.type !== 'file' && entry.type !== 'hardlink')) return undefined;
  const parsed = parseLdCache(await context.read(LD_SO_CACHE));
  if (!parsed.ok) {
    context.warn(`${LD_SO_CACHE}: ${parsed.message}`);
    return undefined;
  }
  const flags = cacheFlags(context);
  return parsed.cache.entries.filter((cached) => flags === undefined || cached.flags === flags);
}

/**
 * Keeps what `ctypes.util.find_library(name)` runs and the library it would return; returns what could not
 * be found, for the caller to report.
 */
export async function keepFoundLibrary(context: AnalysisContext, name: string, reason: Reason): Promise<string | undefined> {
  const ldconfig = context.keep(LDCONFIG, { ...reason, detail: `find_library runs ${LDCONFIG} -p (${reason.detail})` });
  if (ldconfig === undefined) return `find_library('${name}') runs ${LDCONFIG} -p, which the image lacks (then gcc, ld and objdump)`;
  const entries = await cacheEntries(context);
  if (entries === undefined) return `find_library('${name}'): ldconfig -p prints ${LD_SO_CACHE}, which the image lacks or cannot be read`;
  context.keep(LD_SO_CACHE, { ...reason, detail: `printed by ldconfig -p for find_library('${name}')` });
  // ldconfig -p lists the cache in file order; ctypes takes the first `lib<name>.` line that matches.
  const found = entries.find((cached) => cached.name.startsWith(`lib${name}.`) && cached.hwcapsSubdir === undefined);
  if (found === undefined) return `find_library('${name}'): no lib${name}.* in ${LD_SO_CACHE}`;
  context.keep(found.path, { ...reason, detail: `find_library('${name}') returns ${found.name} (${LD_SO_CACHE} entry ${found.path})` });
  return undefined;
}

/**
 * Keeps the library a `CDLL(name)` dlopens: a path as it is, a bare name through the cache or the default
 * directories; returns what could not be found.
 */
export async function keepLoadedLibrary(context: AnalysisContext, name: string, reason: Reason): Promise<string | undefined> {
  if (name.includes('/')) return context.keep(name, reason) === undefined ? `CDLL('${name}'): no such file in the image` : undefined;
  const entries = await cacheEntries(context);
  const cached = entries?.find((entry) => entry.name === name && entry.hwcapsSubdir === undefined);
  if (cached !== undefined) {
    context.keep(LD_SO_CACHE, { ...reason, detail: `dlopen finds ${name} through the cache` });
    context.keep(cached.path, reason);
    return undefined;
  }
  for (const dir of DEFAULT_DIRS) {
    const path = posix.join(dir, name);
    if (entryAt(context, path) && context.keep(path, reason) !== undefined) return undefined;
  }
  return `CDLL('${name}'): not in ${LD_SO_CACHE} nor the default library directories`;
}
