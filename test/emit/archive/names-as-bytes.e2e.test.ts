/**
 * End to end with the real Docker Engine: an image whose names are not UTF-8 (test/image/hostile-names.ts) is
 * loaded into the engine, `scratchify slim --image` saves it from there and writes the slim image as a docker
 * archive (the saved image must outlive the analysis for that), `docker load` takes the archive, and `docker
 * export` of a container of it gives every name, content, link target and the file capability back byte for
 * byte.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { readEntries, type EntryBatch } from '../../../src/image/entry-batch';
import { nameBytes } from '../../../src/image/name-bytes';
import { TarScanner } from '../../../src/image/tar-scanner';
import type { LayerEntry } from '../../../src/tree/types';
import { runCli } from '../../support/cli';
import { DOCKER_CLIENT, DockerResources, describeWithDocker, dockerOrThrow, uniqueName } from '../../support/docker';
import { CAPABILITY, HOSTILE_DOCKERFILE, HOSTILE_ENTRIES, hostileDockerArchive } from '../../image/hostile-names';
import { tempDir } from '../../image/image-builder';

function entriesOf(tar: Buffer): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  scanner.push(tar);
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

describeWithDocker('names that are not UTF-8 through the real engine', () => {
  const resources = new DockerResources();
  const dir = tempDir('scratchify-names-e2e-');

  afterAll(async () => {
    await resources.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('slim --image writes a docker archive whose exported container has every name byte for byte', async () => {
    const source = resources.image(`${uniqueName('sec-io-names-src')}:fat`);
    const sourceArchive = join(dir, 'source.tar');
    fs.writeFileSync(sourceArchive, await hostileDockerArchive([source]));
    await dockerOrThrow(['load', '--input', sourceArchive]);

    const dockerfile = join(dir, 'Dockerfile');
    fs.writeFileSync(dockerfile, HOSTILE_DOCKERFILE);
    const slimTag = resources.image(`${uniqueName('sec-io-names-slim')}:slim`);
    const archive = join(dir, 'slim.tar');
    const result = await runCli(['slim', dockerfile, '--image', source, '--docker-archive', archive, '--tag', slimTag, '-o', join(dir, 'Dockerfile.slim')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await dockerOrThrow(['load', '--input', archive])).toContain(`Loaded image: ${slimTag}`);

    const container = resources.container(uniqueName('sec-io-names'));
    await dockerOrThrow(['create', '--name', container, slimTag]);
    const exported = execFileSync(DOCKER_CLIENT, ['export', container], { maxBuffer: 1 << 28 });
    const entries = new Map(entriesOf(exported).map((entry) => [nameBytes(entry.name).toString('hex').replace(/2f$/, ''), entry]));
    for (const expected of HOSTILE_ENTRIES) {
      const entry = entries.get(expected.name.toString('hex'));
      expect({ name: expected.name.toString('hex'), found: entry !== undefined }).toEqual({ name: expected.name.toString('hex'), found: true });
      const found = entry as LayerEntry;
      if (expected.content !== undefined && found.type === 'file') {
        expect(exported.subarray(found.offset, found.offset + found.size).toString()).toBe(expected.content);
      }
      if (expected.type === 'symlink') expect(nameBytes(found.linkName as string).equals(expected.link as Buffer)).toBe(true);
    }
    // The file capability survived the load (overlay2 keeps security.* xattrs; docker export writes them as PAX records).
    const ping = entries.get(Buffer.from('data/ping').toString('hex')) as LayerEntry;
    expect(nameBytes(ping.xattrs?.['security.capability'] ?? '').equals(CAPABILITY)).toBe(true);
  }, 300_000);
});
