/**
 * A real `docker save debian:bookworm-slim` archive (test/e2e/engine.sh makes the engine and the image).
 */
import * as path from 'node:path';
import { openImage } from '../../src/image';
import { describeWithDocker, saveImage } from '../support/docker';
import { tempDir } from './image-builder';

const IMAGE = 'debian:bookworm-slim';

describeWithDocker(`docker save ${IMAGE}`, () => {
  it('opens, merges and reads the real archive', async () => {
    const file = path.join(tempDir(), 'debian.tar');
    await saveImage(IMAGE, file);
    const image = await openImage(file);
    expect(image.source).toBe('docker-archive');
    expect(image.config.Cmd).toEqual(['bash']);
    expect(image.config.diffIds.length).toBeGreaterThan(0);
    const tree = image.tree;
    // Debian 12 is merged-/usr: /bin -> usr/bin.
    expect(tree.lstat('/bin')).toMatchObject({ type: 'symlink', linkTarget: 'usr/bin' });
    expect(tree.resolve('/bin/bash')).toMatchObject({ path: '/usr/bin/bash', symlinks: ['/bin'], entry: { type: 'file' } });
    const loader = tree.resolve('/lib64/ld-linux-x86-64.so.2');
    expect(loader.entry?.type).toBe('file');
    const bash = await tree.readFile('/bin/bash');
    expect(bash.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(bash.length).toBe(tree.lstat('/usr/bin/bash')?.size);
    expect((await tree.readFile('/etc/debian_version')).toString()).toMatch(/^12\./);
    expect([...tree.entries()].length).toBeGreaterThan(3000);
  });
});
