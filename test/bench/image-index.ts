/**
 * Benchmark: building the merged tree of a ≥ 1 GB, 100k-file `docker save` archive, against GNU tar listing
 * every layer (`tar -xOf ARCHIVE LAYER | tar -t`) in the same run. Targets: ≤ 1.5× tar's time, < 300 MB RSS.
 *
 * The archive is generated once into /tmp/scratchify-bench (kept for later runs). Run after `npx tsc`:
 *   node dist/test/bench/image-index.js
 * Our side runs in a child process so its peak RSS is not mixed with the generator's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { openImage } from '../../src/image';

const WORK = '/tmp/scratchify-bench';
const ARCHIVE = path.join(WORK, 'image.tar');
const LAYERS = 4;
const FILES_PER_LAYER = 26_000;
/** File sizes cycle through 1 B … 20 kB, about 10 kB on average: 104k files, about 1.05 GB. */
const sizeOf = (i: number): number => ((i * 7919) % 20_000) + 1;

async function writeLayer(index: number, file: string): Promise<string> {
  const pack = tar.pack();
  const out = fs.createWriteStream(file);
  const hash = createHash('sha256');
  pack.on('data', (chunk) => hash.update(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
  });
  (pack as unknown as NodeJS.ReadableStream).pipe(out);
  const filler = Buffer.alloc(20_001, index + 65);
  for (let i = 0; i < FILES_PER_LAYER; i += 1) {
    const dir = `layer${index}/d${Math.floor(i / 500)}`;
    if (i % 500 === 0) pack.entry({ name: `${dir}/`, type: 'directory', mode: 0o755 });
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: `${dir}/f${i}`, mode: 0o644, mtime: new Date(0) }, filler.subarray(0, sizeOf(i)), (error) => (error ? reject(error) : resolve())),
    );
    if (i % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // A whiteout per layer so the merge does real work too.
  if (index > 0) pack.entry({ name: `layer${index - 1}/d0/.wh.f0` }, '');
  pack.finalize();
  await done;
  return `sha256:${hash.digest('hex')}`;
}

async function generate(): Promise<void> {
  if (fs.existsSync(ARCHIVE)) return;
  fs.mkdirSync(WORK, { recursive: true });
  const staging = fs.mkdtempSync(path.join(WORK, 'staging-'));
  const diffIds: string[] = [];
  const members: string[] = [];
  for (let i = 0; i < LAYERS; i += 1) {
    fs.mkdirSync(path.join(staging, `l${i}`));
    diffIds.push(await writeLayer(i, path.join(staging, `l${i}`, 'layer.tar')));
    members.push(`l${i}/layer.tar`);
  }
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: diffIds } });
  fs.writeFileSync(path.join(staging, 'config.json'), config);
  fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['bench:latest'], Layers: members }]));
  execFileSync('tar', ['-cf', `${ARCHIVE}.partial`, '-C', staging, 'manifest.json', 'config.json', ...members]);
  fs.renameSync(`${ARCHIVE}.partial`, ARCHIVE);
  fs.rmSync(staging, { recursive: true });
}

async function child(): Promise<void> {
  const started = process.hrtime.bigint();
  const image = await openImage(ARCHIVE);
  let files = 0;
  for (const entry of image.tree.entries()) if (entry.type === 'file') files += 1;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, files, maxRssKiB: process.resourceUsage().maxRSS }));
}

function timeTar(): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < LAYERS; i += 1) {
    execFileSync('bash', ['-c', `set -o pipefail; tar -xOf "$1" "$2" | tar -t > /dev/null`, 'bench', ARCHIVE, `l${i}/layer.tar`]);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return child();
  await generate();
  const size = fs.statSync(ARCHIVE).size;
  // Warm the page cache once so neither side pays for the first read from disk.
  execFileSync('bash', ['-c', `cat "$1" > /dev/null`, 'warm', ARCHIVE]);
  const tarMs = timeTar();
  const run = spawnSync(process.execPath, [__filename, '--child'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  const ours = JSON.parse(run.stdout) as { ms: number; files: number; maxRssKiB: number };
  const ratio = ours.ms / tarMs;
  const rssMb = ours.maxRssKiB / 1024;
  console.log(`archive: ${(size / 1e9).toFixed(2)} GB, ${LAYERS} layers, ${ours.files} files in the merged tree`);
  console.log(`GNU tar listing every layer: ${(tarMs / 1000).toFixed(2)} s`);
  console.log(`scratchify tree (with digest checks): ${(ours.ms / 1000).toFixed(2)} s, ratio ${ratio.toFixed(2)}x (target <= 1.5x)`);
  console.log(`scratchify peak RSS: ${rssMb.toFixed(0)} MB (target < 300 MB)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
