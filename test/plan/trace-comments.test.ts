/** The `#` comment above a COPY group when a trace kept some of its files (src/plan/build-plan.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analyze';
import { openImage, type ImageConfig } from '../../src/image';
import { buildPlan } from '../../src/plan';

const CONFIG: ImageConfig = { architecture: 'amd64', os: 'linux', Env: [], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {} };

describe('COPY comments of traced files', () => {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-trace-comments-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('name the check that used a file only the trace kept, and keep the static reason of a file both kept', async () => {
    mkdirSync(join(root, 'srv', 'plugins'), { recursive: true });
    mkdirSync(join(root, 'srv', 'data'), { recursive: true });
    writeFileSync(join(root, 'srv', 'plugins', 'png.so'), 'plugin');
    writeFileSync(join(root, 'srv', 'data', 'table'), 'table');
    writeFileSync(join(root, 'srv', 'data', 'unused'), 'unused');
    const image = await openImage(root);
    const analysis = await analyze(
      { tree: image.tree, config: CONFIG },
      {
        keep: ['/srv/data/table'],
        roots: [
          { path: '/srv/plugins/png.so', reason: { rule: 'trace', detail: 'opened at run time by check 2 of probe.json' } },
          { path: '/srv/data/table', reason: { rule: 'trace', detail: 'opened at run time by check 1 of probe.json' } },
        ],
      },
    );
    const plan = await buildPlan(analysis, image.tree, { hasShell: false, hasCpParents: false });
    // /srv/plugins holds nothing else, so it is copied whole.
    expect(plan.copies.map(({ comment, sources }) => ({ comment, sources }))).toEqual([
      { comment: 'kept on request (--keep /srv/data/table)', sources: ['/srv/data/table'] },
      { comment: 'used at run time by check 2 of probe.json', sources: ['/srv/plugins'] },
    ]);
  });
});
