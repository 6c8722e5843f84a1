/**
 * Per-architecture facts the loaders bake in at build time: Debian multiarch directories, the ld.so.cache
 * flag value, glibc-hwcaps subdirectories, AT_PLATFORM candidates and musl's arch name.
 * Sources: runtime-deps.md §1.3, §1.5, §1.7, §1.8, §1.12.
 */
import { EM_386, EM_AARCH64, EM_ARM, EM_RISCV, EM_X86_64, type ElfClass } from './elf';

/** What the dynamic loader of one architecture assumes. */
export interface LoaderArch {
  /** Our name for it (`x86_64`, `aarch64`, …). */
  name: string;
  machine: number;
  elfClass: ElfClass;
  /** Debian multiarch triplet; `$LIB` expands to `lib/<triplet>` on Debian (verified on bookworm x86_64). */
  triplet: string;
  /** `_DL_CACHE_DEFAULT_ID`: the exact flags a usable ld.so.cache record carries. */
  cacheFlags: number;
  /** glibc ≥ 2.33 `D/glibc-hwcaps/<sub>/` directories, best first (sysdeps/<arch>/dl-hwcaps-subdirs.c). */
  hwcapsSubdirs: string[];
  /**
   * glibc 2.33–2.36 legacy subdirectories (`tls`, AT_PLATFORM, legacy hwcap names) searched before `D/`;
   * removed in 2.37. The CPU decides which apply, so all plausible ones are listed.
   */
  legacyHwcapsSubdirs: string[];
  /** Values `$PLATFORM` can take; x86_64 glibc overrides AT_PLATFORM with haswell/xeon_phi by CPU. */
  platforms: string[];
  /** `$(ARCH)$(SUBARCH)` in musl's loader name `/lib/ld-musl-<arch>.so.1` and `/etc/ld-musl-<arch>.path`. */
  muslArch: string;
}

function legacySubdirs(platforms: string[], hwcapNames: string[]): string[] {
  // dl-hwcaps.c (2.36) builds every combination of [tls] / [platform] / [hwcap names] and tries the
  // most specific first; LD_DEBUG=libs on bookworm shows tls/x86_64/x86_64, tls/x86_64, tls, x86_64/x86_64, x86_64.
  const out: string[] = [];
  for (const tls of ['tls/', '']) {
    for (const platform of [...platforms.map((p) => `${p}/`), '']) {
      for (const hwcap of [...hwcapNames.map((h) => `${h}/`), '']) {
        const sub = `${tls}${platform}${hwcap}`.replace(/\/$/, '');
        if (sub !== '' && !out.includes(sub)) out.push(sub);
      }
    }
  }
  return out;
}

export const LOADER_ARCHES: readonly LoaderArch[] = [
  {
    name: 'x86_64',
    machine: EM_X86_64,
    elfClass: 64,
    triplet: 'x86_64-linux-gnu',
    cacheFlags: 0x0303,
    hwcapsSubdirs: ['x86-64-v4', 'x86-64-v3', 'x86-64-v2'],
    legacyHwcapsSubdirs: legacySubdirs(['haswell', 'xeon_phi', 'x86_64'], ['avx512_1', 'x86_64']),
    platforms: ['x86_64', 'haswell', 'xeon_phi'],
    muslArch: 'x86_64',
  },
  {
    name: 'aarch64',
    machine: EM_AARCH64,
    elfClass: 64,
    triplet: 'aarch64-linux-gnu',
    cacheFlags: 0x0a03,
    // aarch64 has no glibc-hwcaps subdirectories up to glibc 2.42 (generic dl-hwcaps-subdirs.c).
    hwcapsSubdirs: [],
    legacyHwcapsSubdirs: legacySubdirs(['aarch64'], []),
    platforms: ['aarch64'],
    muslArch: 'aarch64',
  },
  {
    name: 'i386',
    machine: EM_386,
    elfClass: 32,
    triplet: 'i386-linux-gnu',
    cacheFlags: 0x0003,
    hwcapsSubdirs: [],
    legacyHwcapsSubdirs: legacySubdirs(['i686', 'i586', 'i486', 'i386'], []),
    platforms: ['i686', 'i586', 'i486', 'i386'],
    muslArch: 'i386',
  },
  {
    name: 'armhf',
    machine: EM_ARM,
    elfClass: 32,
    triplet: 'arm-linux-gnueabihf',
    cacheFlags: 0x0903,
    hwcapsSubdirs: [],
    legacyHwcapsSubdirs: legacySubdirs(['v7l', 'v8l'], []),
    platforms: ['v7l', 'v8l'],
    muslArch: 'armhf',
  },
  {
    name: 'riscv64',
    machine: EM_RISCV,
    elfClass: 64,
    triplet: 'riscv64-linux-gnu',
    cacheFlags: 0x1003,
    hwcapsSubdirs: [],
    legacyHwcapsSubdirs: [],
    platforms: ['riscv64'],
    muslArch: 'riscv64',
  },
];

/** The profile for an ELF's class and machine, or undefined for an architecture we have no facts for. */
export function loaderArchFor(elfClass: ElfClass, machine: number): LoaderArch | undefined {
  return LOADER_ARCHES.find((arch) => arch.machine === machine && arch.elfClass === elfClass);
}

/** The profile by name (`x86_64`, `aarch64`, …). */
export function loaderArchNamed(name: string): LoaderArch | undefined {
  return LOADER_ARCHES.find((arch) => arch.name === name);
}
