import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analyze';
import { openImage, type ImageConfig } from '../../src/image';
import { buildPlan, MAX_COPY_GROUPS, MAX_SOURCES_PER_COPY } from '../../src/plan';

/** 130 directories, each holding a kept file and a file nobody needs: 130 COPY groups before planning. */
async function crowdedImage() {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-crowded-'));
  for (let i = 0; i < 130; i++) {
    const dir = join(root, 'srv', `d${String(i).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'needed'), 'x'.repeat(10 + i));
    writeFileSync(join(dir, 'unneeded'), 'y'.repeat(1000));
  }
  mkdirSync(join(root, 'big'), { recursive: true });
  writeFileSync(join(root, 'big', 'needed'), 'z');
  writeFileSync(join(root, 'big', 'huge-unneeded'), 'w'.repeat(1_000_000));
  const image = await openImage(root);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', Env: [], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {} };
  const analysis = await analyze({ tree: image.tree, config }, { keep: ['/srv/*/needed', '/big/needed'] });
  return { image, analysis };
}

describe('the plan stays under the layer limit', () => {
  it('assembles the smallest groups in the skeleton stage when the image has GNU cp', async () => {
    const { image, analysis } = await crowdedImage();
    const plan = await buildPlan(analysis, image.tree, { hasShell: true, hasCpParents: true });
    expect(plan.copies.length).toBeLessThanOrEqual(MAX_COPY_GROUPS);
    expect(plan.skeleton.assembled.length).toBe(131 - MAX_COPY_GROUPS);
    // Exact: nothing the analysis did not keep is copied, by COPY or by cp.
    const copied = [...plan.copies.flatMap((group) => group.sources), ...plan.skeleton.assembled];
    expect(copied.some((path) => path.endsWith('unneeded'))).toBe(false);
    expect(copied.filter((path) => path.endsWith('/needed'))).toHaveLength(131);
    // cp --parents makes parents 0700, so the skeleton restates /srv's real mode.
    expect(plan.skeleton.directories).toContainEqual(expect.objectContaining({ path: '/srv', mode: 0o755 }));
  });

  it('otherwise copies whole the directory that adds the fewest unneeded bytes', async () => {
    const { image, analysis } = await crowdedImage();
    const plan = await buildPlan(analysis, image.tree, { hasShell: true, hasCpParents: false });
    expect(plan.copies.length).toBeLessThanOrEqual(MAX_COPY_GROUPS);
    expect(plan.copies).toContainEqual(expect.objectContaining({ sources: ['/srv'], wholeDirectory: true }));
    expect(plan.copies.some((group) => group.sources.includes('/big'))).toBe(false);
    expect(plan.notes.join('\n')).toMatch(/\/srv is copied whole \(0\.1 MB more than the analysis needs\)/);
  });
});

/** One directory with 80 kept files (a Python-stdlib-like group) beside files nobody needs. */
async function wideGroupImage() {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-wide-'));
  const dir = join(root, 'usr', 'lib', 'python3.11');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 80; i++) writeFileSync(join(dir, `m${String(i).padStart(2, '0')}.py`), 'x'.repeat(100 + i));
  writeFileSync(join(dir, 'unneeded.py'), 'y');
  const image = await openImage(root);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', Env: [], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {} };
  const analysis = await analyze({ tree: image.tree, config }, { keep: ['/usr/lib/python3.11/m*.py'] });
  return { image, analysis };
}

describe('no COPY carries more sources than builders copy reliably', () => {
  const kept = Array.from({ length: 80 }, (_, i) => `/usr/lib/python3.11/m${String(i).padStart(2, '0')}.py`);

  it('assembles a wide group in the skeleton stage when the image has GNU cp', async () => {
    const { image, analysis } = await wideGroupImage();
    const plan = await buildPlan(analysis, image.tree, { hasShell: true, hasCpParents: true });
    for (const group of plan.copies) expect(group.sources.length).toBeLessThanOrEqual(MAX_SOURCES_PER_COPY);
    expect(plan.skeleton.assembled).toEqual(expect.arrayContaining(kept));
    expect(plan.skeleton.assembled).not.toContain('/usr/lib/python3.11/unneeded.py');
    expect(plan.notes.join('\n')).toMatch(/assembled in the skeleton stage/);
  });

  it('splits it into several COPY instructions otherwise, each file once', async () => {
    const { image, analysis } = await wideGroupImage();
    const plan = await buildPlan(analysis, image.tree, { hasShell: true, hasCpParents: false });
    const parts = plan.copies.filter((group) => group.destination === '/usr/lib/python3.11/');
    expect(parts).toHaveLength(Math.ceil(80 / MAX_SOURCES_PER_COPY));
    for (const group of parts) expect(group.sources.length).toBeLessThanOrEqual(MAX_SOURCES_PER_COPY);
    expect(parts.flatMap((group) => group.sources).sort()).toEqual(kept);
    const sizes = new Map(analysis.kept.map((entry) => [entry.path, entry.size]));
    expect(parts.reduce((sum, group) => sum + group.bytes, 0)).toBe(kept.reduce((sum, path) => sum + (sizes.get(path) ?? 0), 0));
  });
});
