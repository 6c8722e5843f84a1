import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeLoadedImage } from '../../src/analyze';
import { openImage } from '../../src/image';
import { tempDir } from './image-builder';
import { writeSparseArchive } from './sparse-archive';

// Needs a file system with sparse files (every Linux one in use): the archive is over 4 GiB long but holds kilobytes.
describe('a kept file over 4 GiB', () => {
  const dir = tempDir('scratchify-large-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const BIG = 4 * 1024 ** 3 + 4097;

  it('is kept with its size, and the files after it in the layer are read at their offsets', async () => {
    const archive = path.join(dir, 'image.tar');
    writeSparseArchive(
      archive,
      [
        { name: 'data/big.bin', size: BIG },
        { name: 'bin/sh', mode: 0o755, content: '#!/bin/sh\n' },
        { name: 'start.sh', mode: 0o755, content: '#!/bin/sh\nexec /bin/sh /data/big.bin\n' },
      ],
      { Entrypoint: ['/start.sh'] },
    );
    const image = await openImage(archive);
    const analysis = await analyzeLoadedImage(image, { keep: ['/data/big.bin'] });
    const byPath = new Map(analysis.kept.map((kept) => [kept.path, kept]));
    expect(byPath.get('/data/big.bin')).toMatchObject({ type: 'file', size: BIG });
    // /bin/sh is kept because the head of start.sh, past 5 GiB in the layer, was read and is a shell script
    expect(byPath.get('/bin/sh')?.reasons).toContainEqual(expect.objectContaining({ rule: 'shell-script', by: '/start.sh' }));
    expect(analysis.totals.keptBytes).toBeGreaterThan(BIG);
    expect(analysis.warnings.join('\n')).not.toMatch(/cannot read/);
    const head = await image.tree.readRanges([{ path: '/start.sh', start: 0, size: 9 }]);
    expect(head[0].toString()).toBe('#!/bin/sh');
  }, 120_000);
});
