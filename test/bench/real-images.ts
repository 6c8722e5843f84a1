/**
 * The benchmark's real images: the fat image of each sample, as the e2e tier builds it
 * (`scratchify-e2e-slim-<sample>:fat`), saved once with `docker save` and cached under the OS temp dir by image
 * id. Images that are not built are left out with a note; `npm run test:e2e` builds them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DOCKER = '/usr/bin/docker';

/** A `docker save` archive to measure, with its layer members for the tar floor. */
export interface BenchArchive {
  name: string;
  archive: string;
  layers: { member: string; gzip: boolean }[];
  /** Options for the analysis (`--keep` globs) when the archive needs them to do its work. */
  keep?: string[];
}

/** Layer members of a `docker save` archive, from its manifest.json, each sniffed for gzip. */
export function archiveLayers(archive: string): { member: string; gzip: boolean }[] {
  const manifest = spawnSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (manifest.status !== 0) throw new Error(`${archive}: no manifest.json: ${manifest.stderr}`);
  const layers = (JSON.parse(manifest.stdout) as { Layers: string[] }[])[0].Layers;
  return layers.map((member) => {
    const head = spawnSync('bash', ['-c', 'tar -xOf "$1" "$2" | head -c 2', 'sniff', archive, member], { maxBuffer: 1 << 20 });
    return { member, gzip: head.stdout.length === 2 && head.stdout[0] === 0x1f && head.stdout[1] === 0x8b };
  });
}

/** The samples' fat images present in the engine, saved (or taken from the cache). */
export function realImages(samplesDir: string, log: (message: string) => void): BenchArchive[] {
  const cache = path.join(os.tmpdir(), 'scratchify-bench-real');
  fs.mkdirSync(cache, { recursive: true });
  const found: BenchArchive[] = [];
  for (const sample of fs.readdirSync(samplesDir).sort()) {
    if (!fs.existsSync(path.join(samplesDir, sample, 'Dockerfile'))) continue;
    const tag = `scratchify-e2e-slim-${sample}:fat`;
    const inspect = spawnSync(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' });
    if (inspect.status !== 0) {
      log(`${sample}: ${tag} is not built; left out`);
      continue;
    }
    const id = inspect.stdout.trim().replace(/^sha256:/, '').slice(0, 16);
    const archive = path.join(cache, `${sample}-${id}.tar`);
    if (!fs.existsSync(archive)) {
      log(`${sample}: docker save ${tag}`);
      const save = spawnSync(DOCKER, ['save', '-o', `${archive}.partial`, tag], { encoding: 'utf8' });
      if (save.status !== 0) throw new Error(`docker save ${tag}: ${save.stderr}`);
      fs.renameSync(`${archive}.partial`, archive);
    }
    found.push({ name: sample, archive, layers: archiveLayers(archive) });
  }
  return found;
}
