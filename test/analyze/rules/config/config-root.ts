/**
 * Small synthetic image roots for the configuration, locale and helper rules: every file is written by the
 * test (ELF programs and libraries come from the ELF builder, with the C strings a case needs appended), so
 * nothing of this machine is read. Analyzed with the default rules.
 */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, defaultRules, type Analysis, type AnalyzeOptions } from '../../../../src/analyze';
import type { KeptPath, Reason } from '../../../../src/analyze/types';
import { openImage, type ImageConfig } from '../../../../src/image';
import { buildElf, type ElfSpec } from '../../elf-builder';

export const LIBDIR = '/usr/lib/x86_64-linux-gnu';
export const INTERPRETER = '/lib64/ld-linux-x86-64.so.2';

/** A file of the root: text, bytes, a symlink, a synthetic ELF (with C strings), or a directory. */
export type Entry = string | Buffer | { link: string } | { elf: ElfSpec; strings?: string[]; mode?: number } | { dir: true };

/** A dynamically linked program needing `needed` (libc.so.6 added), with C strings in it. */
export function program(needed: string[] = [], strings: string[] = []): Entry {
  return { elf: { type: 3, interpreter: INTERPRETER, needed: [...needed, 'libc.so.6'], flags1: 0x08000000 }, strings };
}

/** A shared library with a soname. */
export function library(soname: string, needed: string[] = [], strings: string[] = []): Entry {
  return { elf: { type: 3, soname, needed }, strings, mode: 0o644 };
}

/** The base every root has: a loader and libc (synthetic), /bin/sh, a usrmerged /lib and /lib64. */
const BASE: Record<string, Entry> = {
  '/lib': { link: 'usr/lib' },
  '/lib64': { link: 'usr/lib64' },
  '/bin': { link: 'usr/bin' },
  '/usr/lib64/ld-linux-x86-64.so.2': { link: `${LIBDIR}/ld-linux-x86-64.so.2` },
  [`${LIBDIR}/ld-linux-x86-64.so.2`]: library('ld-linux-x86-64.so.2'),
  [`${LIBDIR}/libc.so.6`]: library('libc.so.6', [], ['GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36.']),
  '/usr/bin/sh': program(),
  '/tmp': { dir: true },
};

export function buildRoot(entries: Record<string, Entry>): string {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-config-rules-'));
  for (const [path, entry] of Object.entries({ ...BASE, ...entries })) {
    const host = join(root, path);
    mkdirSync(dirname(host), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      writeFileSync(host, entry);
      if (entry.toString('latin1').startsWith('#!')) chmodSync(host, 0o755);
    } else if ('link' in entry) {
      symlinkSync(entry.link, host);
    } else if ('elf' in entry) {
      const strings = Buffer.from(`\0${(entry.strings ?? []).join('\0')}\0`, 'latin1');
      writeFileSync(host, Buffer.concat([buildElf(entry.elf), strings]));
      chmodSync(host, entry.mode ?? 0o755);
    } else {
      mkdirSync(host, { recursive: true });
    }
  }
  return root;
}

export function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

export async function analyzeRoot(root: string, overrides: Partial<ImageConfig>, options: AnalyzeOptions = {}): Promise<Analysis> {
  const image = await openImage(root);
  return analyze({ tree: image.tree, config: config(overrides) }, options, defaultRules());
}

export function keptPath(analysis: Analysis, path: string): KeptPath | undefined {
  return analysis.kept.find((kept) => kept.path === path);
}

/** The reasons of one rule that kept a path (empty when it is not kept by that rule). */
export function reasonsOf(analysis: Analysis, path: string, rule?: string): Reason[] {
  return (keptPath(analysis, path)?.reasons ?? []).filter((reason) => rule === undefined || reason.rule === rule);
}
