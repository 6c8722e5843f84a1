/**
 * `scratchify slim` getting the image itself: `--build` builds the target with the engine it finds,
 * `--image REF` saves an image from it. Run through the CLI as users do.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { DockerResources, buildImage, describeWithDocker, RUN_ID } from '../support/docker';

const sample = resolve(__dirname, '../../samples/entrypoint-script');

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stderr };
  } finally {
    err.mockRestore();
  }
}

describeWithDocker('scratchify slim with the local engine', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-e2e-engine-'));

  afterAll(async () => {
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('--build builds the target and writes the same bytes twice', async () => {
    const first = join(work, 'first.Dockerfile');
    const second = join(work, 'second.Dockerfile');
    const one = await run(['slim', join(sample, 'Dockerfile'), '--build', '-o', first]);
    expect(one).toEqual({ code: 0, stderr: '' });
    expect((await run(['slim', join(sample, 'Dockerfile'), '--build', '-o', second])).code).toBe(0);
    const text = readFileSync(first, 'utf8');
    expect(text).toMatch(/\nFROM scratch\n/);
    expect(text).toMatch(/\nENTRYPOINT \["docker-entrypoint\.sh"\]\n/);
    expect(readFileSync(second, 'utf8')).toBe(text);
  }, 10 * 60_000);

  test('--image saves an image from the engine; an image of another Dockerfile is refused', async () => {
    const fat = await buildImage(sample, resources.image(`scratchify-e2e-engine-sample-${RUN_ID}:fat`));
    const output = join(work, 'from-image.Dockerfile');
    expect((await run(['slim', join(sample, 'Dockerfile'), '--image', fat.tag, '-o', output])).code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain(`# Ask about any path: scratchify why --image scratchify-e2e-engine-sample-${RUN_ID}:fat PATH`);
    const other = resolve(__dirname, '../../samples/c-openssl-zlib/Dockerfile');
    const refused = await run(['slim', other, '--image', fat.tag, '-o', join(work, 'refused.Dockerfile')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the image is not what this Dockerfile's target builds/);
  }, 10 * 60_000);
});
