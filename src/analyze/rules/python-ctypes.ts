/**
 * `ctypes`: shared libraries a Python program loads by name. `ctypes.util.find_library('magic')` on Linux
 * (CPython 3.x Lib/ctypes/util.py) runs `/sbin/ldconfig -p` and takes the first line of the cache listing
 * whose name starts with `libmagic.` for the interpreter's ABI, then falls back to `gcc`/`cc`, `ld -t` and
 * `objdump` when that finds nothing; `CDLL('libmagic.so.1')` is a `dlopen`, which searches like the loader
 * (ld.so.cache, then the default directories). Both are followed for string-literal names: the program
 * `ldconfig` and the cache it prints are kept with the library `ldconfig -p` would name, and the ELF rule
 * then keeps the library's own closure.
 *
 * A library loaded this way is the program's own native code, so like an ELF program (path-references.ts)
 * its compiled-in absolute paths are kept when they exist (libmagic's `/etc/magic:/usr/share/misc/magic`).
 * Libraries that compile their data append a suffix to such a base path (libmagic loads `<path>.mgc`
 * first, then the path as a file or a directory of sources): when a named path is absent, a dangling link or
 * a directory, the files beside it named `<name>.<suffix>` are kept (a directory itself is kept empty).
 */
import { posix } from 'node:path';
import { CACHE_FLAGS_AARCH64, CACHE_FLAGS_X86_64, parseLdCache, type LdCacheEntry } from '../ldcache';
import type { AnalysisContext, Reason } from '../types';
import { absolutePathRuns, isVirtualPath, printableText } from './path-references-strings';
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
  const library = context.keep(found.path, { ...reason, detail: `find_library('${name}') returns ${found.name} (${LD_SO_CACHE} entry ${found.path})` });
  if (library !== undefined) await keepLibraryPaths(context, library);
  return undefined;
}

/** Keeps the files a library loaded by a Python program names by absolute path (see the module comment). */
export async function keepLibraryPaths(context: AnalysisContext, library: string): Promise<void> {
  const paths = new Set(absolutePathRuns(printableText(await context.read(library))).filter((path) => !isVirtualPath(path)));
  for (const path of paths) {
    const reason: Reason = { rule: 'python-ctypes-data', by: library, detail: `path ${path} named in the library` };
    const entry = entryAt(context, path);
    if (entry?.type === 'file' || entry?.type === 'hardlink') {
      context.keep(path, reason);
      continue;
    }
    if (entry?.type === 'dir') context.keep(path, { ...reason, detail: `directory ${path} named in the library` });
    else if (entry !== undefined) continue;
    const dir = posix.dirname(path);
    if (dir === '/' || entryAt(context, dir)?.type !== 'dir') continue;
    const stem = `${posix.basename(path)}.`;
    for (const name of context.tree.list(context.tree.resolve(dir).path)) {
      if (!name.startsWith(stem) || !/^[\w-]{1,8}$/.test(name.slice(stem.length))) continue;
      const sibling = posix.join(dir, name);
      const target = entryAt(context, sibling);
      if (target?.type === 'file' || target?.type === 'hardlink') context.keep(sibling, { ...reason, detail: `${name}: ${path} with a suffix, as the library loads its compiled data` });
    }
  }
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
    const library = context.keep(cached.path, reason);
    if (library !== undefined) await keepLibraryPaths(context, library);
    return undefined;
  }
  for (const dir of DEFAULT_DIRS) {
    const path = posix.join(dir, name);
    const library = entryAt(context, path) ? context.keep(path, reason) : undefined;
    if (library !== undefined) {
      await keepLibraryPaths(context, library);
      return undefined;
    }
  }
  return `CDLL('${name}'): not in ${LD_SO_CACHE} nor the default library directories`;
}
