import { analyze, explain, keepComments, type Analysis } from '../../src/analyze';
import { openImage, type ImageConfig } from '../../src/image';
import { makeRoot } from '../support/small-root';

function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

async function analyzeRoot(root: string, overrides: Partial<ImageConfig>, options: Parameters<typeof analyze>[1] = {}): Promise<Analysis> {
  const image = await openImage(root);
  return analyze({ tree: image.tree, config: config(overrides) }, options);
}

const paths = (analysis: Analysis): string[] => analysis.kept.map((kept) => kept.path);

describe('analyzer', () => {
  const root = makeRoot();

  it('keeps the entrypoint program, its loader and libraries, and every symlink on the way', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['true'] });
    expect(paths(analysis)).toEqual(
      expect.arrayContaining(['/usr/bin/true', '/lib64', '/usr/lib64/ld-linux-x86-64.so.2', '/lib', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', '/usr/lib/x86_64-linux-gnu/libc.so.6']),
    );
    expect(paths(analysis)).not.toContain('/usr/share/doc/big.txt');
    expect(paths(analysis)).not.toContain('/usr/bin/dash');
    const program = analysis.kept.find((kept) => kept.path === '/usr/bin/true');
    expect(program?.reasons[0]).toMatchObject({ rule: 'entrypoint' });
    const link = analysis.kept.find((kept) => kept.path === '/lib64');
    expect(link).toMatchObject({ type: 'symlink', linkTarget: 'usr/lib64' });
    expect(analysis.totals.keptBytes).toBeLessThan(analysis.totals.imageBytes);
    expect(analysis.totals.keptBytes).toBe(analysis.kept.filter((k) => k.type === 'file').reduce((sum, k) => sum + k.size, 0));
  });

  it('follows a shell entrypoint script: interpreter, /bin/sh and the commands it runs', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['/usr/local/bin/start.sh'], Cmd: ['true'] });
    const kept = paths(analysis);
    expect(kept).toEqual(expect.arrayContaining(['/usr/local/bin/start.sh', '/bin', '/usr/bin/sh', '/usr/bin/dash', '/usr/bin/mkdir', '/usr/bin/true']));
    const mkdir = analysis.kept.find((k) => k.path === '/usr/bin/mkdir');
    expect(mkdir?.reasons).toContainEqual(expect.objectContaining({ rule: 'script-command', by: '/usr/local/bin/start.sh' }));
    expect(analysis.warnings.join('\n')).not.toMatch(/\$@/);
  });

  it('resolves #!/usr/bin/env NAME through PATH', async () => {
    const analysis = await analyzeRoot(root, { Cmd: ['tool.sh'] });
    expect(paths(analysis)).toEqual(expect.arrayContaining(['/usr/local/bin/tool.sh', '/usr/bin/env', '/usr/bin/sh', '/usr/bin/dash']));
  });

  it('keeps the application copied by the final stage, WORKDIR, VOLUME and --keep globs', async () => {
    const analysis = await analyzeRoot(
      root,
      { Cmd: ['/usr/bin/true'], WorkingDir: '/srv/app', Volumes: ['/var/cache/app'] },
      { application: [{ sources: ['data'], destination: '/srv/app/', line: 3 }], keep: ['/usr/share/doc/*.txt'] },
    );
    const kept = paths(analysis);
    expect(kept).toEqual(expect.arrayContaining(['/srv/app', '/srv/app/data', '/srv/app/data/seed.txt', '/var/cache/app', '/usr/share/doc/big.txt']));
    expect(kept).not.toContain('/srv/app/config.ini'); // only `data` was copied
    expect(analysis.kept.find((k) => k.path === '/usr/share/doc/big.txt')?.reasons[0]).toMatchObject({ rule: 'keep', detail: '--keep /usr/share/doc/*.txt' });
  });

  it('warns about what it cannot resolve instead of failing', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['no-such-program'] }, { keep: ['/nothing/**'] });
    expect(analysis.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/no-such-program is not in the image/), expect.stringMatching(/--keep \/nothing\/\*\* matches nothing/)]));
  });

  it('explains why a path is kept, back to a root', async () => {
    const analysis = await analyzeRoot(root, { Entrypoint: ['/usr/local/bin/start.sh'] });
    const why = explain(analysis, '/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(why.kept).toBe(true);
    const chain = why.chains[0].map((step) => step.path);
    expect(chain[0]).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(chain[chain.length - 1]).toBe('/usr/local/bin/start.sh');
    expect(explain(analysis, '/usr/share/doc/big.txt')).toEqual({ path: '/usr/share/doc/big.txt', kept: false, chains: [] });
  });

  it('reads # scratchify keep= comments', () => {
    expect(keepComments('FROM a\n# scratchify keep=/etc/app/**, /usr/share/zoneinfo/UTC\nRUN x\n  #scratchify keep = /x\n')).toEqual(['/etc/app/**', '/usr/share/zoneinfo/UTC', '/x']);
  });
});
