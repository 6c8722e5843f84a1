import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, explain, REASON_SAMPLE } from '../../src/analyze';
import { openImage, type ImageConfig } from '../../src/image';
import { analysisJson } from '../../src/format/analysis-json';
import { debianLibrary } from '../support/debian-binaries';
import { makeRoot } from '../support/small-root';

const MODULES = 2000;
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

function config(): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/bin:/bin'], Cmd: ['true'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {} };
}

describe('reasons on a tree where thousands of extension modules need the same library', () => {
  const root = makeRoot();
  const modules = join(root, 'usr/lib/python3/dist-packages/pkg');
  mkdirSync(modules, { recursive: true });
  for (let i = 0; i < MODULES; i += 1) writeFileSync(join(modules, `_m${i}.cpython-311-x86_64-linux-gnu.so`), debianLibrary(`_m${i}.so`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stores a bounded sample per rule, counts every distinct reason, and `why` still reaches a root', async () => {
    const image = await openImage(root);
    const analysis = await analyze({ tree: image.tree, config: config() }, { keep: ['/usr/lib/python3/dist-packages/pkg/*.so'] });
    const libc = analysis.kept.find((kept) => kept.path === LIBC);
    expect(libc).toBeDefined();
    const needed = libc?.reasons.filter((reason) => reason.rule === 'elf-needed') ?? [];
    expect(needed.length).toBe(REASON_SAMPLE);
    // every module and /usr/bin/true need libc: each is one distinct reason, counted though not stored
    expect(libc?.reasonCounts?.['elf-needed']).toBe(MODULES + 1);
    for (const kept of analysis.kept) {
      const perRule = new Map<string, number>();
      for (const reason of kept.reasons) perRule.set(reason.rule, (perRule.get(reason.rule) ?? 0) + 1);
      for (const count of perRule.values()) expect(count).toBeLessThanOrEqual(REASON_SAMPLE);
    }
    const paths = JSON.parse(JSON.stringify(analysisJson(analysis))).paths as { path: string; reasons: unknown[]; reasonCounts?: Record<string, number> }[];
    expect(paths.find((path) => path.path === LIBC)?.reasonCounts).toMatchObject({ 'elf-needed': MODULES + 1 });
    // a path with a single reason carries no counts
    expect(paths.find((path) => path.path === '/usr/bin/true')?.reasonCounts).toBeUndefined();

    const why = explain(analysis, LIBC);
    expect(why.kept).toBe(true);
    for (const chain of why.chains) {
      const last = chain[chain.length - 1];
      expect(last.reason.by).toBeUndefined();
      expect(['cmd', 'keep']).toContain(last.reason.rule);
    }
    // one ELF closure per module: seconds on a loaded machine, never a timed assertion
  }, 120_000);
});
