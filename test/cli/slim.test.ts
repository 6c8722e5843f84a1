import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { makeRoot } from '../support/small-root';

const run = runCli;

describe('scratchify slim refuses bad input with one line, exit 2 and no output file', () => {
  const root = makeRoot(); // a root directory: an image without config, so without ENTRYPOINT or CMD
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-slim-cli-'));
  const output = join(dir, 'Dockerfile.slim');

  function dockerfile(text: string): string {
    const file = join(dir, `Dockerfile.${readdirSync(dir).length}`);
    writeFileSync(file, text);
    return file;
  }

  it('when the final stage cannot run', async () => {
    const file = dockerfile('FROM debian:bookworm-slim\nCOPY data /srv/app/data\n');
    const result = await run(['slim', file, '--image-archive', root, '-o', output]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`scratchify: ${file}:1: the target stage cannot run: its image has neither ENTRYPOINT nor CMD\n`);
    expect(existsSync(output)).toBe(false);
  });

  it('when the image is not what the target builds', async () => {
    const file = dockerfile('FROM debian:bookworm-slim\nENTRYPOINT ["/usr/bin/true"]\nEXPOSE 8080\n');
    const result = await run(['slim', file, '--image-archive', root, '-o', output]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^scratchify: .*: the image is not what this Dockerfile's target builds \(ENTRYPOINT \["\/usr\/bin\/true"\] vs \[\]; EXPOSE 8080\/tcp missing\)\n$/);
    expect(existsSync(output)).toBe(false);
  });

  it('on an unknown --target', async () => {
    const file = dockerfile('FROM debian:bookworm-slim AS app\nCMD ["true"]\n');
    const result = await run(['slim', file, '--image-archive', root, '--target', 'nope', '-o', output]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`scratchify: ${file}: target stage "nope" could not be found (stages: app)\n`);
    expect(existsSync(output)).toBe(false);
  });

  it('on two image sources or an unparsable Dockerfile', async () => {
    const file = dockerfile('FROM debian:bookworm-slim\nCMD ["true"]\n');
    expect((await run(['slim', file, '--image-archive', root, '--build'])).stderr).toMatch(/choose one image source, not --image-archive and --build/);
    const bad = dockerfile('FROM a\nCOPY --chown 1 a b\n');
    const result = await run(['slim', bad, '--image-archive', root, '-o', output]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`scratchify: ${bad}:2:6: missing a value on flag: chown (flags take --chown=value)\n`);
    expect(readdirSync(dir).filter((name) => name.includes('slim'))).toEqual([]);
  });
});
