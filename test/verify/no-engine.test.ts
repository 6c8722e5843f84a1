/**
 * Without a container engine (the engine lookup pointed at nothing with SCRATCHIFY_ENGINE=none), `verify` and every
 * `--trace` exit 2 with a message, before reading or building anything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli';

const PROBE = resolve(__dirname, '../../samples/go-server/probe.json');
const DOCKERFILE = resolve(__dirname, '../../samples/go-server/Dockerfile');

describe('no container engine', () => {
  const saved = process.env.SCRATCHIFY_ENGINE;
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-no-engine-'));
  beforeEach(() => {
    process.env.SCRATCHIFY_ENGINE = 'none';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.SCRATCHIFY_ENGINE;
    else process.env.SCRATCHIFY_ENGINE = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['verify with images', ['verify', '--image', 'app:fat', '--slim-image', 'app:slim', '--probe', PROBE]],
    ['verify that would build', ['verify', DOCKERFILE, '--probe', PROBE]],
    ['slim --trace', ['slim', DOCKERFILE, '--trace', PROBE, '--image-archive', join(dir, 'missing.tar')]],
    ['slim --trace without an image source (no self-contained fallback)', ['slim', DOCKERFILE, '--trace', PROBE]],
    ['analyze --trace', ['analyze', '--image-archive', dir, '--trace', PROBE]],
  ])('%s exits 2 with one line', async (_what, args) => {
    const run = await runCli(args);
    expect(run).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^scratchify: no container engine found: running checks needs docker or podman \(SCRATCHIFY_ENGINE names one\)\n$/) });
  });

  test('a SCRATCHIFY_ENGINE that names no engine is a usage error', async () => {
    process.env.SCRATCHIFY_ENGINE = 'kubectl';
    const run = await runCli(['verify', '--image', 'a', '--slim-image', 'b', '--probe', PROBE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('scratchify: SCRATCHIFY_ENGINE=kubectl: expected docker, podman, buildah or none\n');
  });

  test('a bad probe file is reported before the engine is looked for', async () => {
    const run = await runCli(['verify', '--image', 'a', '--slim-image', 'b', '--probe', DOCKERFILE]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^scratchify: .*Dockerfile: not valid JSON: /) });
  });
});
