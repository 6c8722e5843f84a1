import { analyze, type Analysis } from '../../src/analyze';
import { parseDockerfile, type CopyInstruction } from '../../src/dockerfile';
import { emitDockerfile, targetAlias } from '../../src/emit/dockerfile';
import { openImage, type ImageConfig } from '../../src/image';
import { buildPlan } from '../../src/plan';
import { resolveStages } from '../../src/stages';
import { makeRoot } from '../support/small-root';

function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: [], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

const original = 'ARG BASE=debian:bookworm-slim\r\nFROM golang AS build\r\nRUN make\r\nFROM ${BASE}\r\nCOPY --from=build /out/app /usr/local/bin/app\r\nCMD ["app"]';

async function emitted(overrides: Partial<ImageConfig>, hasShell = true): Promise<{ text: string; analysis: Analysis }> {
  const root = makeRoot();
  const image = await openImage(root);
  const analysis = await analyze({ tree: image.tree, config: config(overrides) });
  const plan = await buildPlan(analysis, image.tree, { hasShell });
  const { dockerfile } = parseDockerfile(original);
  return { text: emitDockerfile({ text: original, dockerfile, target: 1, plan }), analysis };
}

describe('the slim Dockerfile', () => {
  const runtime: Partial<ImageConfig> = {
    Entrypoint: ['/usr/local/bin/start.sh'],
    Cmd: ['true', 'a b', '$HOME'],
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'QUOTED=say "hi" $USER \\o/', 'EMPTY='],
    WorkingDir: '/srv/app',
    User: '1000:1000',
    ExposedPorts: ['8080/tcp', '53/udp'],
    Volumes: ['/var/cache/app'],
    Labels: { 'org.opencontainers.image.title': 'demo "app"', version: '1.0' },
    StopSignal: 'SIGQUIT',
    Healthcheck: { Test: ['CMD-SHELL', 'true || exit 1'], Interval: 30e9, Timeout: 5e9, Retries: 3 },
  };

  it('keeps the original stages byte for byte and aliases the target', async () => {
    const { text } = await emitted(runtime);
    expect(text.startsWith('ARG BASE=debian:bookworm-slim\r\nFROM golang AS build\r\nRUN make\r\nFROM ${BASE} AS original\r\nCOPY --from=build')).toBe(true);
    expect(text).toMatch(/\nFROM scratch\n/);
  });

  it('restates the runtime contract so that BuildKit would produce the same config', async () => {
    const { text } = await emitted(runtime);
    const { dockerfile } = parseDockerfile(text);
    const graph = resolveStages(dockerfile);
    const contract = graph.stages[graph.target].contract;
    expect(contract.env).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', QUOTED: 'say "hi" $USER \\o/', EMPTY: '' });
    expect(contract.entrypoint).toEqual(runtime.Entrypoint);
    expect(contract.cmd).toEqual(runtime.Cmd);
    expect(contract.workdir).toBe('/srv/app');
    expect(contract.user).toBe('1000:1000');
    expect(contract.exposedPorts).toEqual(['53/udp', '8080/tcp']);
    expect(contract.volumes).toEqual(['/var/cache/app']);
    expect(contract.labels).toEqual(runtime.Labels);
    expect(contract.stopSignal).toBe('SIGQUIT');
    expect(contract.healthcheck).toEqual({ test: ['CMD-SHELL', 'true || exit 1'], interval: '30s', timeout: '5s', retries: 3 });
    expect(contract.inheritsFrom).toBeUndefined();
  });

  it('copies every kept regular file from the original stage, and makes symlinks in a skeleton stage', async () => {
    const { text, analysis } = await emitted(runtime);
    const { dockerfile } = parseDockerfile(text);
    const slim = dockerfile.stages[dockerfile.stages.length - 1];
    const copies = slim.instructions.filter((i): i is CopyInstruction => i.keyword === 'COPY');
    const copied = new Set(copies.flatMap((copy) => copy.sources));
    for (const kept of analysis.kept.filter((k) => k.type === 'file')) {
      const viaDirectory = [...copied].some((source) => kept.path.startsWith(`${source}/`));
      expect(copied.has(kept.path) || viaDirectory).toBe(true);
    }
    expect(copies[0]).toMatchObject({ from: 'scratchify-skeleton', sources: ['/.scratchify-skeleton/'], destination: '/' });
    expect(copies.slice(1).every((copy) => copy.from === 'original')).toBe(true);
    expect(text).toMatch(/\n {5}"symlink", "usr\/lib64", "lib64", \\\n/);
    expect(text).toMatch(/\n {5}"chmod", "0755", "var\/cache\/app"/);
    expect(text).toMatch(/# libraries of \/usr\/bin\/(true|dash|mkdir)\n/);
  });

  it('is deterministic', async () => {
    expect((await emitted(runtime)).text).toBe((await emitted(runtime)).text);
  });

  it('rewrites a shell-form CMD to exec form only when proven equivalent', async () => {
    const rewritten = await emitted({ Cmd: ['/bin/sh', '-c', 'exec true --flag "two words"'] });
    expect(rewritten.text).toMatch(/\nCMD \["true", "--flag", "two words"\]\n/);
    expect(rewritten.text).toMatch(/# Exec form, proven equivalent: CMD/);
    const kept = await emitted({ Cmd: ['/bin/sh', '-c', 'true && echo $HOME'] });
    expect(kept.text).toMatch(/\nCMD \["\/bin\/sh", "-c", "true && echo \$HOME"\]\n/);
  });

  it('falls back to copying symlinked files when the image has no shell', async () => {
    const { text } = await emitted({ Entrypoint: ['/usr/bin/true'] }, false);
    expect(text).not.toMatch(/scratchify-skeleton/);
    expect(text).toMatch(/no \/bin\/sh/);
  });

  it('picks an alias no stage uses', () => {
    const { dockerfile } = parseDockerfile('FROM a AS original\nFROM b\n');
    expect(targetAlias(dockerfile, 1)).toEqual({ alias: 'scratchify-original', added: true });
    expect(targetAlias(dockerfile, 0)).toEqual({ alias: 'original', added: false });
  });
});
