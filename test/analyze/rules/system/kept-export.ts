/**
 * Writes the kept set of an analysis to a host directory (modes, owners and symlinks as in the image), so a
 * test can run the slimmed program under chroot. Needs root for chown; the parts of /dev a program opens by
 * name are plain files here (the runtime mounts the real /dev in a container).
 */
import { chmodSync, chownSync, lchownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '../../../../src/analyze';
import type { FileTree } from '../../../../src/tree/types';

export async function exportKept(analysis: Analysis, tree: FileTree): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-kept-'));
  const files = analysis.kept.filter((kept) => (kept.type === 'file' || kept.type === 'hardlink') && !kept.synthesized).map((kept) => kept.path);
  const contents = await tree.readFiles(files);
  // The package database is not in the image: its content comes with the analysis.
  for (const file of analysis.packages?.database ?? []) contents.set(file.path, file.content);
  for (const kept of analysis.kept) {
    const host = join(dir, kept.path);
    if (kept.type === 'dir') mkdirSync(host, { recursive: true });
    else if (kept.type === 'symlink') symlinkSync(kept.linkTarget ?? '', host);
    else if (kept.type === 'file' || kept.type === 'hardlink') writeFileSync(host, contents.get(kept.path) as Buffer);
    else continue;
    if (kept.type === 'symlink') lchownSync(host, kept.uid, kept.gid);
    else {
      chownSync(host, kept.uid, kept.gid);
      chmodSync(host, kept.mode);
    }
  }
  mkdirSync(join(dir, 'dev'), { recursive: true });
  for (const name of ['null', 'stdout', 'stderr']) writeFileSync(join(dir, 'dev', name), '');
  return dir;
}
