/**
 * The benchmark's input: a Docker ≥ 25 style `docker save` archive (`manifest.json` + `blobs/sha256/…`) of
 * more than 1 GB and 100k files, generated once into a cache directory under the OS tmp dir and reused.
 *
 * - Layer 1 is gzip-compressed (as containerd exports registry layers) and holds a real program to analyze:
 *   the host's `/usr/bin/true` with its loader and libc (from `ldd`), the usrmerge symlinks and
 *   `/etc/ld.so.cache`, so the analyzer resolves a real ELF closure and reads content from a gzip layer.
 * - Layers 2–5 are uncompressed (graphdriver store exports) and hold the bulk: 26,000 files each, sizes
 *   cycling through 1 B … 20 kB, with PAX long names, symlinks, a hardlink and whiteouts of lower layers, so
 *   the header walk and the merge meet every header kind a real image has.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';

/** Bump when the generated content changes, so stale caches are not reused. */
const GENERATOR_VERSION = 2;
const BULK_LAYERS = 4;
const FILES_PER_LAYER = 26_000;
const FILES_PER_DIRECTORY = 500;
/** File sizes cycle through 1 B … 20 kB, about 10 kB on average: 104k files, about 1.05 GB. */
const sizeOf = (i: number): number => ((i * 7919) % 20_000) + 1;

/** What the benchmark needs to know about the archive it runs on. */
export interface BenchImage {
  archive: string;
  bytes: number;
  /** Regular files written over all layers. */
  files: number;
  /** Each layer member of the outer tar and whether it is gzip-compressed, oldest first. */
  layers: { member: string; gzip: boolean }[];
  /** The config's Entrypoint, a program whose ELF closure the analysis must find. */
  entrypoint: string;
}

/** The cache directory, keyed by the generator version. */
export function cacheDirectory(): string {
  return path.join(os.tmpdir(), `scratchify-bench-v${GENERATOR_VERSION}`);
}

interface WrittenBlob {
  digest: string;
  diffId: string;
  file: string;
}

/** Writes one layer through tar-stream, hashing the tar (diff id) and the stored bytes (blob digest). */
async function writeLayer(directory: string, gzip: boolean, fill: (pack: tar.Pack) => Promise<void>): Promise<WrittenBlob> {
  const pack = tar.pack();
  const staging = path.join(directory, `layer-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const out = fs.createWriteStream(staging, { highWaterMark: 1 << 20 });
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
  });
  const readable = pack as unknown as NodeJS.ReadableStream;
  readable.on('data', (chunk: Buffer) => diff.update(chunk));
  if (gzip) {
    const compressor = zlib.createGzip({ level: 6 });
    compressor.on('data', (chunk: Buffer) => blob.update(chunk));
    readable.pipe(compressor).pipe(out);
  } else {
    readable.on('data', (chunk: Buffer) => blob.update(chunk));
    readable.pipe(out);
  }
  await fill(pack);
  pack.finalize();
  await done;
  const digest = blob.digest('hex');
  const file = path.join(directory, digest);
  fs.renameSync(staging, file);
  return { digest: `sha256:${digest}`, diffId: `sha256:${diff.digest('hex')}`, file };
}

function entry(pack: tar.Pack, header: Parameters<tar.Pack['entry']>[0], content: Buffer = Buffer.alloc(0)): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ mode: 0o644, mtime: new Date(0), ...header }, content, (error) => (error ? reject(error) : resolve()));
  });
}

/** The host paths of a program and its loader closure, as `ldd` reports them (glibc hosts). */
function programClosure(program: string): string[] {
  const output = execFileSync('ldd', [program], { encoding: 'utf8' });
  const libraries = [...output.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((match) => match[1]);
  if (libraries.length === 0) throw new Error(`ldd ${program} found no libraries; the benchmark needs a dynamic ELF`);
  return [program, ...libraries, '/etc/ld.so.cache'].filter((file) => fs.existsSync(file));
}

/** Adds a host path to the layer as it is on the host: symlinks (of the path and its parents) kept as symlinks. */
async function addHostPath(pack: tar.Pack, hostPath: string, written: Set<string>): Promise<void> {
  const parts = hostPath.split('/').filter((part) => part !== '');
  let current = '';
  for (const [index, part] of parts.entries()) {
    current = `${current}/${part}`;
    if (written.has(current)) {
      const stat = fs.lstatSync(current);
      if (stat.isSymbolicLink()) return addHostPath(pack, path.resolve(path.dirname(current), fs.readlinkSync(current), ...parts.slice(index + 1)), written);
      continue;
    }
    written.add(current);
    const stat = fs.lstatSync(current);
    const name = current.slice(1);
    if (stat.isSymbolicLink()) {
      const target = fs.readlinkSync(current);
      await entry(pack, { name, type: 'symlink', linkname: target, mode: 0o777 });
      return addHostPath(pack, path.resolve(path.dirname(current), target, ...parts.slice(index + 1)), written);
    }
    if (stat.isDirectory()) await entry(pack, { name: `${name}/`, type: 'directory', mode: 0o755 });
    else await entry(pack, { name, mode: stat.mode & 0o7777 }, fs.readFileSync(current));
  }
}

async function fillSystemLayer(pack: tar.Pack, entrypoint: string): Promise<number> {
  const written = new Set<string>();
  const closure = programClosure(entrypoint);
  for (const file of closure) await addHostPath(pack, file, written);
  return closure.length;
}

async function fillBulkLayer(pack: tar.Pack, layer: number): Promise<number> {
  const filler = Buffer.alloc(20_001, 65 + layer);
  let files = 0;
  for (let i = 0; i < FILES_PER_LAYER; i += 1) {
    const directory = `srv/layer${layer}/d${Math.floor(i / FILES_PER_DIRECTORY)}`;
    if (i % FILES_PER_DIRECTORY === 0) {
      await entry(pack, { name: `${directory}/`, type: 'directory', mode: 0o755 });
      await entry(pack, { name: `${directory}/latest`, type: 'symlink', linkname: `f${i}`, mode: 0o777 });
    }
    // Every 1000th name is longer than ustar's 100 + 155 bytes, so tar-stream writes a PAX header for it.
    const name = i % 1000 === 7 ? `${directory}/${'long-name-'.repeat(30)}f${i}` : `${directory}/f${i}`;
    await entry(pack, { name }, filler.subarray(0, sizeOf(i)));
    files += 1;
    if (i === 3) await entry(pack, { name: `${directory}/hardlink-to-f3`, type: 'link', linkname: name });
  }
  // Whiteouts of a lower layer's file and an opaque directory over another: the merge does real work too.
  if (layer > 0) {
    await entry(pack, { name: `srv/layer${layer - 1}/d0/.wh.f0` }, Buffer.alloc(0));
    await entry(pack, { name: `srv/layer${layer - 1}/d1/`, type: 'directory', mode: 0o755 });
    await entry(pack, { name: `srv/layer${layer - 1}/d1/.wh..wh..opq` }, Buffer.alloc(0));
  }
  return files;
}

/** Returns the cached archive, generating it first when the cache has none. */
export async function benchImage(log: (message: string) => void): Promise<BenchImage> {
  const directory = cacheDirectory();
  const archive = path.join(directory, 'image.tar');
  const descriptionFile = path.join(directory, 'image.json');
  if (fs.existsSync(archive) && fs.existsSync(descriptionFile)) return JSON.parse(fs.readFileSync(descriptionFile, 'utf8')) as BenchImage;

  fs.rmSync(directory, { recursive: true, force: true });
  const blobs = path.join(directory, 'staging', 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const entrypoint = '/usr/bin/true';
  let files = 0;
  log(`generating the benchmark archive in ${directory} (once; later runs reuse it)`);
  const layers: WrittenBlob[] = [];
  layers.push(await writeLayer(blobs, true, async (pack) => void (files += await fillSystemLayer(pack, entrypoint))));
  for (let layer = 0; layer < BULK_LAYERS; layer += 1) {
    layers.push(await writeLayer(blobs, false, async (pack) => void (files += await fillBulkLayer(pack, layer))));
    log(`  layer ${layer + 2} of ${BULK_LAYERS + 1} written`);
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: [entrypoint], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    }),
  );
  const configDigest = createHash('sha256').update(config).digest('hex');
  fs.writeFileSync(path.join(blobs, configDigest), config);
  const layerMembers = layers.map((layer) => `blobs/sha256/${layer.digest.slice('sha256:'.length)}`);
  const manifest = [{ Config: `blobs/sha256/${configDigest}`, RepoTags: ['scratchify-bench:latest'], Layers: layerMembers }];
  const staging = path.join(directory, 'staging');
  fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest));
  // Docker ≥ 25 writes manifest.json after the blobs; the reader must not depend on member order.
  execFileSync('tar', ['-cf', `${archive}.partial`, '-C', staging, 'blobs', 'manifest.json']);
  fs.renameSync(`${archive}.partial`, archive);
  fs.rmSync(staging, { recursive: true });
  const description: BenchImage = {
    archive,
    bytes: fs.statSync(archive).size,
    files,
    layers: layerMembers.map((member, index) => ({ member, gzip: index === 0 })),
    entrypoint,
  };
  fs.writeFileSync(descriptionFile, JSON.stringify(description, null, 2));
  return description;
}
