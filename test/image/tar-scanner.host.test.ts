/**
 * The layer scan against archives GNU tar writes in its three formats; the scanner's own cases are in
 * tar-scanner.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithHostTools } from '../support/host-tools';
import { tempDir } from './image-builder';
import { scan, viaTarStream } from './layer-entries';

describeWithHostTools(['tar', 'mkfifo'], 'TarScanner', () => {
  it('gives what tar-stream gives for GNU tar in its gnu (long-name records), ustar (prefix) and pax formats', async () => {
    const root = tempDir();
    const deep = path.join(root, 'tree', ...Array.from({ length: 9 }, (_, index) => `directory-${index}-${'é'.repeat(4)}`));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, `file-with-a-long-name-${'n'.repeat(60)}`), 'data');
    fs.symlinkSync(`../${'target/'.repeat(20)}x`, path.join(deep, 'long-link'));
    fs.linkSync(path.join(deep, `file-with-a-long-name-${'n'.repeat(60)}`), path.join(root, 'tree', 'hard'));
    execFileSync('mkfifo', [path.join(root, 'tree', 'pipe')]);
    for (const format of ['gnu', 'ustar', 'pax']) {
      const archive = path.join(root, `${format}.tar`);
      // ustar cannot hold a link target over 100 bytes: GNU tar leaves that entry out and exits 2.
      const run = spawnSync('tar', [`--format=${format}`, '-C', root, '-cf', archive, 'tree'], { stdio: 'ignore' });
      expect(run.status).toBe(format === 'ustar' ? 2 : 0);
      const bytes = fs.readFileSync(archive);
      const expected = await viaTarStream(bytes);
      expect(expected.some((entry) => entry.name.length > 100)).toBe(true);
      expect(scan(bytes, 700)).toEqual(expected);
    }
  });
});
