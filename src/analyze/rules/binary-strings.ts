/**
 * What the plugin, locale and helper rules read from a kept ELF without running it: its DT_NEEDED names and
 * the C strings in it (compiled-in directories, service and text-domain names, helper program names). A C
 * string literal sits in `.rodata` between NUL bytes, so a name counts only with a NUL on both sides: `su`
 * inside `/usr/bin/sudo` is not the string `su`.
 */
import { DF_1_PIE, hasElfMagic, parseElf } from '../elf';

/** DT_NEEDED names of an ELF (empty for anything else or a malformed file). */
export function neededLibraries(content: Buffer): string[] {
  if (!hasElfMagic(content)) return [];
  const parsed = parseElf(content);
  return parsed.ok ? parsed.elf.needed : [];
}

/** Whether an ELF needs a library whose soname matches. */
export function needsLibrary(content: Buffer, soname: RegExp): boolean {
  return neededLibraries(content).some((name) => soname.test(name));
}

/** Whether `text` occurs in the content as a whole C string (NUL before and after). */
export function hasCString(content: Buffer, text: string): boolean {
  return content.includes(Buffer.from(`\0${text}\0`, 'latin1'));
}

/** The C strings (printable runs between NULs, at least `minLength` long) that match a pattern. */
export function cStringsMatching(content: Buffer, pattern: RegExp, minLength = 2): string[] {
  const found = new Set<string>();
  let start = 0;
  for (let i = 0; i <= content.length; i++) {
    if (i < content.length && content[i] !== 0) continue;
    if (i - start >= minLength && i - start <= 4096) {
      const text = content.toString('latin1', start, i);
      if (/^[\x20-\x7e]+$/.test(text) && pattern.test(text)) found.add(text);
    }
    start = i + 1;
  }
  return [...found];
}

/**
 * Whether an ELF is a program rather than a shared library: ET_EXEC, or a PIE (ET_DYN with DF_1_PIE, or with
 * an interpreter and no soname; libc.so.6 has PT_INTERP too, but also a soname).
 */
export function isElfProgram(content: Buffer): boolean {
  if (!hasElfMagic(content)) return false;
  const parsed = parseElf(content);
  if (!parsed.ok) return false;
  const elf = parsed.elf;
  return elf.type === 'exec' || (elf.type === 'dyn' && ((elf.dtFlags1 & DF_1_PIE) !== 0 || (elf.interpreter !== undefined && elf.soname === undefined)));
}
