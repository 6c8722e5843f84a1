/**
 * Reader for glibc's `/etc/ld.so.cache`, the soname → path table that `ldconfig` builds from
 * `/etc/ld.so.conf` and that ld.so consults after RPATH, LD_LIBRARY_PATH and RUNPATH.
 *
 * Three layouts exist (glibc-2.36 `sysdeps/generic/dl-cache.h`, `elf/dl-cache.c`, runtime-deps.md §1.5):
 * - new `glibc-ld.so.cache1.1` (the default since glibc 2.32): 48-byte header, 24-byte entries, string
 *   offsets counted from the start of the new header, an optional extension directory at a file offset
 *   (generator string, glibc-hwcaps subdirectory names);
 * - old `ld.so-1.7.0`: 16-byte header, 12-byte entries, string offsets counted from the end of the entries;
 * - compat: an old cache whose string area starts (aligned) with a complete new cache. ld.so prefers the
 *   new part, and so do we.
 */

/** One cache record. */
export interface LdCacheEntry {
  /** The key the loader compares with a DT_NEEDED name (usually the SONAME). */
  name: string;
  /** The path as ldconfig wrote it (the configured directory spelling, e.g. `/lib/x86_64-linux-gnu/…`). */
  path: string;
  /** Type and architecture bits (`FLAG_ELF_LIBC6 | FLAG_X8664_LIB64` = 0x0303 …). */
  flags: number;
  /** Legacy hwcap mask, or for glibc-hwcaps records bit 62 plus an index (see `hwcapsSubdir`). */
  hwcap: bigint;
  /** For a glibc-hwcaps record, the subdirectory it stands for (`x86-64-v3`). */
  hwcapsSubdir?: string;
}

/** A parsed cache. */
export interface LdCache {
  format: 'new' | 'old' | 'compat';
  /** In file order, which is ldconfig's order (names descending, hwcaps variants first among equals). */
  entries: LdCacheEntry[];
  /** The generator string of the extension directory, e.g. `ldconfig (Debian GLIBC 2.36-9+deb12u14) …`. */
  generator?: string;
}

export type LdCacheParseResult = { ok: true; cache: LdCache } | { ok: false; message: string };

/** `FLAG_ELF_LIBC6` (sysdeps/generic/ldconfig.h). */
export const FLAG_ELF_LIBC6 = 0x0003;
/** Exact flag values ld.so requires (`_DL_CACHE_DEFAULT_ID` in each arch's dl-cache.h). */
export const CACHE_FLAGS_X86_64 = 0x0303;
export const CACHE_FLAGS_AARCH64 = 0x0a03;

const MAGIC_OLD = 'ld.so-1.7.0';
const MAGIC_NEW = 'glibc-ld.so.cache1.1';
const OLD_HEADER = 16;
const OLD_ENTRY = 12;
const NEW_HEADER = 48;
const NEW_ENTRY = 24;
/** `cache_extension_magic = (uint32_t) -358342284` (dl-cache.h). */
const EXTENSION_MAGIC = 0xeaa42174;
const EXTENSION_TAG_GENERATOR = 0;
const EXTENSION_TAG_GLIBC_HWCAPS = 1;
/** `DL_CACHE_HWCAP_EXTENSION`: bit 62 marks a glibc-hwcaps record; bits 32..41 (ISA level) are ignored. */
const HWCAP_EXTENSION = 1n << 62n;
const HWCAP_ISA_LEVEL_MASK = 0x3ffn << 32n;

class CacheProblem {
  constructor(readonly message: string) {}
}

/** Parses any of the three layouts. Never throws: an unreadable cache is `{ ok: false }` (ld.so ignores it too). */
export function parseLdCache(buf: Buffer): LdCacheParseResult {
  try {
    if (startsWith(buf, 0, MAGIC_NEW)) return { ok: true, cache: parseNew(buf, 0, 'new') };
    if (startsWith(buf, 0, MAGIC_OLD)) {
      const nlibs = u32(buf, 12, true);
      const stringsAt = OLD_HEADER + nlibs * OLD_ENTRY;
      // dl-cache.c: the new cache follows the old entries at ALIGN_CACHE, i.e. the alignment of
      // struct cache_file_new: 8 where uint64_t is 8-aligned, 4 on i386.
      for (const alignment of [8, 4]) {
        const newAt = Math.ceil(stringsAt / alignment) * alignment;
        if (startsWith(buf, newAt, MAGIC_NEW)) return { ok: true, cache: parseNew(buf, newAt, 'compat') };
      }
      return { ok: true, cache: parseOld(buf, nlibs, stringsAt) };
    }
    return { ok: false, message: 'not an ld.so.cache (unknown magic)' };
  } catch (problem) {
    if (problem instanceof CacheProblem) return { ok: false, message: problem.message };
    throw problem;
  }
}

function startsWith(buf: Buffer, at: number, magic: string): boolean {
  return buf.length >= at + magic.length && buf.toString('latin1', at, at + magic.length) === magic;
}

function u32(buf: Buffer, at: number, little: boolean): number {
  if (at < 0 || at + 4 > buf.length) throw new CacheProblem(`cache truncated at offset ${at}`);
  return little ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}

function u64(buf: Buffer, at: number, little: boolean): bigint {
  if (at < 0 || at + 8 > buf.length) throw new CacheProblem(`cache truncated at offset ${at}`);
  return little ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at);
}

function cString(buf: Buffer, at: number): string {
  if (at < 0 || at >= buf.length) throw new CacheProblem(`string offset ${at} is outside the cache`);
  const end = buf.indexOf(0, at);
  if (end < 0) throw new CacheProblem(`string at ${at} is not NUL-terminated`);
  return buf.toString('utf8', at, end);
}

function parseOld(buf: Buffer, nlibs: number, stringsAt: number): LdCache {
  if (stringsAt > buf.length) throw new CacheProblem(`old cache announces ${nlibs} entries but is ${buf.length} bytes`);
  const entries: LdCacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const at = OLD_HEADER + i * OLD_ENTRY;
    // The old format has no byte-order marker; ldconfig writes host order and caches are per image.
    entries.push({
      flags: u32(buf, at, true) | 0,
      name: cString(buf, stringsAt + u32(buf, at + 4, true)),
      path: cString(buf, stringsAt + u32(buf, at + 8, true)),
      hwcap: 0n,
    });
  }
  return { format: 'old', entries };
}

function parseNew(buf: Buffer, base: number, format: 'new' | 'compat'): LdCache {
  if (buf.length < base + NEW_HEADER) throw new CacheProblem('cache header truncated');
  // Header byte 28: `flags & 3` is 2 for little endian, 3 for big endian, 0 when unset (assume little).
  const little = (buf[base + 28] & 3) !== 3;
  const nlibs = u32(buf, base + 20, little);
  if (base + NEW_HEADER + nlibs * NEW_ENTRY > buf.length) {
    throw new CacheProblem(`cache announces ${nlibs} entries but is ${buf.length} bytes`);
  }
  const extensionOffset = u32(buf, base + 32, little);
  const extensions = extensionOffset !== 0 ? readExtensions(buf, base, extensionOffset, little) : { hwcapsNames: [] };

  const entries: LdCacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const at = base + NEW_HEADER + i * NEW_ENTRY;
    const entry: LdCacheEntry = {
      flags: u32(buf, at, little) | 0,
      name: cString(buf, base + u32(buf, at + 4, little)),
      path: cString(buf, base + u32(buf, at + 8, little)),
      hwcap: u64(buf, at + 16, little),
    };
    if ((entry.hwcap & ~HWCAP_ISA_LEVEL_MASK & ~0xffffffffn) === HWCAP_EXTENSION) {
      const index = Number(entry.hwcap & 0xffffffffn);
      entry.hwcapsSubdir = extensions.hwcapsNames[index];
      if (entry.hwcapsSubdir === undefined) throw new CacheProblem(`glibc-hwcaps index ${index} has no name`);
    }
    entries.push(entry);
  }
  return { format, entries, generator: extensions.generator };
}

/**
 * The extension directory and its section offsets count from the start of the file (dl-cache.c reads them
 * relative to the mapping, verified on a compat cache), while the hwcaps name offsets inside are string
 * offsets relative to the new header like every other string.
 */
function readExtensions(buf: Buffer, base: number, offset: number, little: boolean): { generator?: string; hwcapsNames: string[] } {
  const at = offset;
  if (u32(buf, at, little) !== EXTENSION_MAGIC) return { hwcapsNames: [] };
  const count = u32(buf, at + 4, little);
  let generator: string | undefined;
  const hwcapsNames: string[] = [];
  for (let i = 0; i < count; i++) {
    const section = at + 8 + i * 16;
    const tag = u32(buf, section, little);
    const sectionOffset = u32(buf, section + 8, little);
    const size = u32(buf, section + 12, little);
    if (sectionOffset + size > buf.length) throw new CacheProblem(`extension section ${i} lies beyond the end of the cache`);
    if (tag === EXTENSION_TAG_GENERATOR) generator = buf.toString('utf8', sectionOffset, sectionOffset + size);
    if (tag === EXTENSION_TAG_GLIBC_HWCAPS) {
      // An array of uint32 string offsets, one per subdirectory name (dl-cache.h).
      for (let j = 0; j + 4 <= size; j += 4) hwcapsNames.push(cString(buf, base + u32(buf, sectionOffset + j, little)));
    }
  }
  return { generator, hwcapsNames };
}

/**
 * The records ld.so could pick for `name` on a machine whose `_DL_CACHE_DEFAULT_ID` is `flags`.
 * The CPU is unknown, so every usable candidate is returned: the baseline record (no glibc-hwcaps
 * subdirectory, what `search_cache` falls back to) first, then the glibc-hwcaps variants in cache order.
 * Among baseline records with the same name the first wins, as in ld.so (earlier ld.so.conf directory).
 */
export function lookupLdCache(cache: LdCache, name: string, flags: number): LdCacheEntry[] {
  const matching = cache.entries.filter((entry) => entry.name === name && entry.flags === flags);
  const baseline = matching.find((entry) => entry.hwcapsSubdir === undefined && entry.hwcap === 0n);
  const variants = matching.filter((entry) => entry.hwcapsSubdir !== undefined);
  return baseline ? [baseline, ...variants] : variants;
}

/** The type/arch label `ldconfig -p` prints for these flags (`libc6,x86-64`), from ldconfig.c print_entry. */
export function describeCacheFlags(flags: number): string {
  const type = flags & 0xff;
  const typeName = type === 0 ? 'libc4' : type === 1 ? 'ELF' : type === 2 ? 'libc5' : type === 3 ? 'libc6' : 'unknown';
  const archNames: Record<number, string> = {
    0x0000: '',
    0x0100: ',64bit',
    0x0200: ',IA-64',
    0x0300: ',x86-64',
    0x0400: ',64bit',
    0x0500: ',64bit',
    0x0600: ',N32',
    0x0700: ',64bit',
    0x0800: ',x32',
    0x0900: ',hard-float',
    0x0a00: ',AArch64',
    0x0b00: ',soft-float',
    0x1000: ',double-float',
  };
  return typeName + (archNames[flags & 0xff00] ?? `,arch 0x${(flags & 0xff00).toString(16)}`);
}
