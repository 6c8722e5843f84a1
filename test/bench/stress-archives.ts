/**
 * Generated archives that stress the analysis where real images are heavy: a Python-style tree with thousands
 * of extension modules that all need the same libraries (reasons), and a kept file of 5 GB (memory, offsets past
 * 4 GiB). Written as sparse files with the data of large files left as holes, cached under the OS temp dir.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSparseArchive, type SparseFile } from '../image/sparse-archive';
import { debianLibc, debianLibrary, debianLoader, debianProgram } from '../support/debian-binaries';
import type { BenchArchive } from './real-images';
import { archiveLayers } from './real-images';

const VERSION = 1;
const MODULES = 5000;

function base(): SparseFile[] {
  return [
    { name: 'usr/lib/x86_64-linux-gnu/libc.so.6', mode: 0o755, content: debianLibc() },
    { name: 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', mode: 0o755, content: debianLoader() },
    { name: 'lib64/ld-linux-x86-64.so.2', mode: 0o755, content: debianLoader() },
    { name: 'usr/lib/x86_64-linux-gnu/libm.so.6', mode: 0o755, content: debianLibrary('libm.so.6') },
    { name: 'usr/bin/app', mode: 0o755, content: debianProgram() },
  ];
}

export function stressArchives(log: (message: string) => void): BenchArchive[] {
  const cache = path.join(os.tmpdir(), `scratchify-bench-stress-v${VERSION}`);
  fs.mkdirSync(cache, { recursive: true });
  const cases: { name: string; files: () => SparseFile[]; keep: string[] }[] = [
    {
      name: `${MODULES} extension modules`,
      files: () => [
        ...base(),
        ...Array.from({ length: MODULES }, (_, i) => ({ name: `usr/lib/python3/dist-packages/pkg${i % 50}/_m${i}.so`, mode: 0o755, content: debianLibrary(`_m${i}.so`) })),
      ],
      keep: ['/usr/lib/python3/dist-packages/**'],
    },
    { name: 'one 5 GB file', files: () => [...base(), { name: 'srv/data.bin', size: 5 * 1000 ** 3 }], keep: ['/srv/data.bin'] },
  ];
  return cases.map(({ name, files, keep }) => {
    const archive = path.join(cache, `${name.replace(/\W+/g, '-')}.tar`);
    if (!fs.existsSync(archive)) {
      log(`writing ${archive}`);
      writeSparseArchive(`${archive}.partial`, files(), { Entrypoint: ['/usr/bin/app'] });
      fs.renameSync(`${archive}.partial`, archive);
    }
    return { name, archive, layers: archiveLayers(archive), keep };
  });
}
