/**
 * package-database-dropped: an info finding when the image has packages whose files are kept but the slim image
 * would carry no database (`--no-package-db`); none by default.
 */
import { rmSync } from 'node:fs';
import { analyze } from '../../src/analyze';
import { openImage, type ImageConfig } from '../../src/image';
import { lint } from '../../src/lint/linter';
import { packageDatabaseDropped } from '../../src/lint/rules/package-database-dropped';
import { debianRoot } from '../packages/package-roots';

function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

describe('package-database-dropped', () => {
  const root = debianRoot();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function findings(packageDatabase: boolean) {
    const image = await openImage(root);
    const analysis = await analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/bin/hello'] }) }, { packageDatabase });
    return lint({ image: { source: 'app.tar', analysis, tree: image.tree }, rules: [packageDatabaseDropped] }).findings;
  }

  it('reports, as info, kept packages with no database under --no-package-db', async () => {
    const found = await findings(false);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ruleId: 'package-database-dropped', severity: 'info' });
    expect(found[0].message).toContain('1 dpkg packages (hello)');
  });

  it('reports nothing when the database is carried', async () => {
    expect(await findings(true)).toEqual([]);
  });
});
