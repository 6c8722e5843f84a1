/**
 * Dynamic string tokens in DT_NEEDED, DT_RPATH, DT_RUNPATH and LD_LIBRARY_PATH (glibc-2.36
 * `elf/dl-load.c` is_dst / _dl_dst_substitute; musl `ldso/dynlink.c` fixup_rpath). runtime-deps.md §1.3.
 */

/** What each token stands for. A token with several values expands to several candidate strings. */
export interface DstValues {
  origin: string;
  lib: string;
  /** `$PLATFORM` depends on the CPU, so every plausible value is listed and every expansion kept. */
  platforms: string[];
}

/** One expansion and whether it depends on the CPU (`$PLATFORM`), so the caller keeps looking for a CPU-independent hit. */
export interface DstExpansion {
  value: string;
  cpuDependent: boolean;
}

const GLIBC_TOKEN = /\$(?:\{(ORIGIN|LIB|PLATFORM)\}|(ORIGIN|LIB|PLATFORM)(?![A-Za-z0-9_]))/g;

/**
 * glibc expansion. An unbraced name must not be followed by `[A-Za-z0-9_]` (is_dst); an unknown `$X` stays
 * literal. Returns every combination of `$PLATFORM` values.
 */
export function expandGlibcDst(text: string, values: DstValues): DstExpansion[] {
  let results: DstExpansion[] = [{ value: '', cpuDependent: false }];
  let last = 0;
  for (const match of text.matchAll(GLIBC_TOKEN)) {
    const literal = text.slice(last, match.index);
    const token = match[1] ?? match[2];
    const choices = token === 'ORIGIN' ? [values.origin] : token === 'LIB' ? [values.lib] : values.platforms;
    const dependent = token === 'PLATFORM';
    results = results.flatMap((r) => choices.map((c) => ({ value: r.value + literal + c, cpuDependent: r.cpuDependent || dependent })));
    last = (match.index ?? 0) + match[0].length;
  }
  const tail = text.slice(last);
  return results.map((r) => ({ value: r.value + tail, cpuDependent: r.cpuDependent }));
}

/**
 * musl expansion: only `$ORIGIN`/`${ORIGIN}` (matched as a prefix, like musl's strncmp); any other `$`
 * makes musl ignore the whole rpath, reported here as undefined.
 */
export function expandMuslDst(text: string, origin: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      out += text[i];
    } else if (text.startsWith('${ORIGIN}', i)) {
      out += origin;
      i += '${ORIGIN}'.length - 1;
    } else if (text.startsWith('$ORIGIN', i)) {
      out += origin;
      i += '$ORIGIN'.length - 1;
    } else {
      return undefined;
    }
  }
  return out;
}
