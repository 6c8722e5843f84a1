import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analyze';
import { ContentReadError } from '../../src/errors';
import { openImage, type ImageConfig } from '../../src/image';
import { makeRoot } from '../support/small-root';

function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

describe('a kept file whose content cannot be read', () => {
  it('stops the analysis with an error naming that file, instead of dropping it', async () => {
    const root = makeRoot();
    try {
      const image = await openImage(root);
      // gone between listing the image and reading it: the read fails
      rmSync(join(root, 'usr/local/bin/start.sh'));
      const run = analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/local/bin/start.sh'], Cmd: ['true'] }) });
      await expect(run).rejects.toBeInstanceOf(ContentReadError);
      await expect(run).rejects.toThrow(/\/usr\/local\/bin\/start\.sh: cannot read its content/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('stops the ELF closure too when a library cannot be read', async () => {
    const root = makeRoot();
    try {
      const image = await openImage(root);
      rmSync(join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'));
      await expect(analyze({ tree: image.tree, config: config({ Cmd: ['true'] }) })).rejects.toThrow(/libc\.so\.6/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
