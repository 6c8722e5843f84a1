/**
 * Small synthetic ELF files standing in for binaries of Debian 12 (x86-64, merged /usr), so that the fast tier
 * reads none of this machine's own. Each carries what the analyzer reads from the real file — PT_INTERP,
 * DT_NEEDED, DT_SONAME, DF_1_PIE, and the strings its rules look for (glibc's version banner, an imported
 * `iconv_open`, OpenSSL's compiled-in directories) — as `readelf -dlW` and `strings` show them on the real one.
 */
import { DF_1_PIE } from '../../src/analyze/elf';
import { buildElf } from '../analyze/elf-builder';

/** PT_INTERP of every dynamically linked program (and of libc.so.6). */
const INTERPRETER = '/lib64/ld-linux-x86-64.so.2';

/** `bytes` followed by NUL-separated strings, as a compiler lays out C string literals in .rodata. */
export function withStrings(bytes: Buffer, strings: readonly string[]): Buffer {
  if (strings.length === 0) return bytes;
  return Buffer.concat([bytes, Buffer.from(`\0${strings.join('\0')}\0`, 'latin1')]);
}

/** A position-independent program linked against libc, as gcc builds them on Debian; `strings` go in its data. */
export function debianProgram(strings: readonly string[] = []): Buffer {
  return withStrings(buildElf({ interpreter: INTERPRETER, needed: ['libc.so.6'], flags1: DF_1_PIE }), strings);
}

/** A shared library with soname `soname`, linked against libc. */
export function debianLibrary(soname: string, strings: readonly string[] = []): Buffer {
  return withStrings(buildElf({ needed: ['libc.so.6'], soname }), strings);
}

/** glibc 2.36's libc.so.6: it has PT_INTERP and needs the loader, and its version banner is a string in it. */
export function debianLibc(): Buffer {
  return withStrings(buildElf({ interpreter: INTERPRETER, needed: ['ld-linux-x86-64.so.2'], soname: 'libc.so.6' }), [
    'GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.',
  ]);
}

/** The dynamic loader: a shared object that needs nothing. */
export function debianLoader(): Buffer {
  return buildElf({ soname: 'ld-linux-x86-64.so.2' });
}

/** OpenSSL 3's libcrypto.so.3 with Debian's compiled-in directories. */
export function debianLibcrypto(): Buffer {
  return debianLibrary('libcrypto.so.3', [
    'OPENSSLDIR: "/usr/lib/ssl"',
    'ENGINESDIR: "/usr/lib/x86_64-linux-gnu/engines-3"',
    'MODULESDIR: "/usr/lib/x86_64-linux-gnu/ossl-modules"',
  ]);
}
