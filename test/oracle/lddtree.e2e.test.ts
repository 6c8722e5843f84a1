/**
 * ORACLE 1: the loader emulation (`elfClosure`) against Debian's lddtree, on every ELF file of every sample
 * image. Each image's root file system is written to a tmp directory; lddtree reads it there with `-R`,
 * elfClosure reads the same files through the image's merged tree. For each file, the libraries each one
 * loads must be the same set, and so must the names neither finds.
 */
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elfClosure, type LoadedProcess } from '../../src/analyze/loader';
import { openImage } from '../../src/image';
import type { FileTree } from '../../src/tree/types';
import { describeWithDocker } from '../support/docker';
import { materialize } from '../support/materialize';
import { lddtreeListings, type LddtreeListing } from './lddtree';
import { SAMPLE_BUILD_TIMEOUT_MS, SAMPLE_NAMES, sampleArchive } from './sample-images';

/** ELF e_type values the loader can start or map: ET_EXEC (programs) and ET_DYN (PIE programs, .so). */
const LOADABLE_ELF_TYPES = new Set([2, 3]);

/** Regular files of the tree whose first bytes are an ELF header of a loadable type, read from the host copy. */
function loadableElfFiles(tree: FileTree, hostRoot: string): string[] {
  const files: string[] = [];
  const head = Buffer.alloc(18);
  for (const entry of tree.entries()) {
    if (entry.type !== 'file' || entry.size < head.length) continue;
    const fd = openSync(join(hostRoot, entry.path), 'r');
    try {
      if (readSync(fd, head, 0, head.length, 0) < head.length) continue;
    } finally {
      closeSync(fd);
    }
    if (head.readUInt32BE(0) !== 0x7f454c46) continue;
    const type = head[5] === 2 ? head.readUInt16BE(16) : head.readUInt16LE(16);
    if (LOADABLE_ELF_TYPES.has(type)) files.push(entry.path);
  }
  return files;
}

/**
 * Our closure in lddtree's terms: every object loaded after the root, by the path it was opened as, plus
 * `missing:NAME` for each DT_NEEDED nobody found. CPU-specific variants (glibc-hwcaps, legacy hwcaps) are
 * left out: runtime-deps.md §2.1 — lddtree has no hwcaps search at all, while we keep every variant because
 * the CPU is unknown; the variant's baseline library is still compared.
 */
function ourListing(process: LoadedProcess): Set<string> {
  const paths = process.objects.slice(1).filter((object) => !object.variant).map((object) => object.path);
  const missing = process.objects.flatMap((object) => object.needed.filter((need) => need.path === undefined).map((need) => `missing:${need.name}`));
  return new Set([...paths, ...missing]);
}

function lddtreeSet(listing: LddtreeListing): Set<string> {
  return new Set([
    ...(listing.interpreter === undefined ? [] : [listing.interpreter]),
    ...listing.libraries,
    ...listing.missing.map((name) => `missing:${name}`),
  ]);
}

/** One file where the two disagree. */
interface Mismatch {
  file: string;
  onlyOurs: string[];
  onlyLddtree: string[];
}

function describeMismatches(sample: string, total: number, mismatches: Mismatch[]): string {
  const lines = mismatches.slice(0, 40).map((m) => `  ${m.file}\n    only elfClosure: ${m.onlyOurs.join(' ') || '-'}\n    only lddtree:    ${m.onlyLddtree.join(' ') || '-'}`);
  const more = mismatches.length > 40 ? `\n  … and ${mismatches.length - 40} more` : '';
  return `${sample}: ${mismatches.length} of ${total} ELF files differ from lddtree:\n${lines.join('\n')}${more}`;
}

describeWithDocker('elfClosure agrees with lddtree on every ELF file of every sample image', () => {
  test.each(SAMPLE_NAMES)(
    '%s',
    async (name) => {
      const { archive } = await sampleArchive(name);
      const { tree } = await openImage(archive);
      const root = mkdtempSync(join(tmpdir(), `scratchify-oracle-lddtree-${name}-`));
      try {
        await materialize(tree, root);
        const files = loadableElfFiles(tree, root);
        expect(files.length).toBeGreaterThan(0);

        const closure = await elfClosure(tree, files);
        const ours = new Map(closure.processes.map((process) => [process.root, ourListing(process)]));
        const theirs = await lddtreeListings(root, files);

        const mismatches: Mismatch[] = [];
        for (const file of files) {
          const listing = theirs.get(file);
          if (!listing) throw new Error(`${name}: lddtree printed nothing for ${file}`);
          const mine = ours.get(file) ?? new Set<string>();
          const expected = lddtreeSet(listing);
          const onlyOurs = [...mine].filter((path) => !expected.has(path)).sort();
          const onlyLddtree = [...expected].filter((path) => !mine.has(path)).sort();
          if (onlyOurs.length > 0 || onlyLddtree.length > 0) mismatches.push({ file, onlyOurs, onlyLddtree });
        }
        process.stdout.write(`[oracle lddtree] ${name}: ${files.length} ELF files, ${mismatches.length} differ\n`);
        if (mismatches.length > 0) throw new Error(describeMismatches(name, files.length, mismatches));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    SAMPLE_BUILD_TIMEOUT_MS,
  );
}, { hostTools: ['lddtree', '/usr/bin/python3'] });
