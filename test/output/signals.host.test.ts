/**
 * The built CLI (`node dist/src/cli/main.js`) in a process of its own, which the in-process fast tier cannot
 * do: a signal sent while an archive is being written or while the image is analyzed leaves no temporary file
 * beside the outputs and no `scratchify-slim-*`/`scratchify-lint-*` directory in the temporary directory, keeps
 * the old output, and ends with 128 + the signal number; an output whose directory the user cannot write fails
 * before anything is written (run as `nobody` when the tests run as root, whom permissions do not stop).
 *
 * Host tier: it builds the CLI and generates a 384 MiB image (a sparse file), so a write lasts long enough to
 * be interrupted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../image/image-builder';
import { headerBlock } from '../image/raw-tar';
import { compiledFile } from '../support/dist';

const REPO = join(__dirname, '..', '..');
/** The compiled CLI, checked current: the global setup compiles dist/, and rebuilding it here (the build script
 * empties dist/ first) would pull it from under the suites running beside this one. */
const BIN = compiledFile(join(REPO, 'src', 'cli', 'main.ts'));
const BIG_BYTES = 384 * 1024 * 1024;
const NOBODY = 65534;

let inputs: string;
let layout: string;
let dockerfile: string;

/** sha256 of `bytes` followed by `zeros` zero bytes, without holding the zeros. */
function digestWithZeros(head: Buffer, zeros: number, tail: Buffer): string {
  const hash = createHash('sha256').update(head);
  const block = Buffer.alloc(1024 * 1024);
  for (let left = zeros; left > 0; left -= block.length) hash.update(left >= block.length ? block : block.subarray(0, left));
  return `sha256:${hash.update(tail).digest('hex')}`;
}

/** An OCI layout whose one layer holds `/app/run` and a big `/app/data.bin` (a hole: no disk blocks). */
function bigLayout(dir: string): string {
  const run = Buffer.from('#!/app/run\n');
  const head = Buffer.concat([
    headerBlock({ name: 'app/', typeflag: '5', mode: 0o755 }),
    headerBlock({ name: 'app/run', typeflag: '0', mode: 0o755, size: run.length }),
    run,
    Buffer.alloc(512 - run.length),
    headerBlock({ name: 'app/data.bin', typeflag: '0', size: BIG_BYTES }),
  ]);
  const tail = Buffer.alloc(1024);
  const layerDigest = digestWithZeros(head, BIG_BYTES, tail);
  const layerSize = head.length + BIG_BYTES + tail.length;
  const blobs = join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const layerFile = join(blobs, layerDigest.slice(7));
  fs.writeFileSync(layerFile, head);
  fs.truncateSync(layerFile, layerSize);
  const blob = (data: Buffer): { digest: string; size: number } => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    fs.writeFileSync(join(blobs, digest.slice(7)), data);
    return { digest, size: data.length };
  };
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Entrypoint: ['/app/run'] }, rootfs: { type: 'layers', diff_ids: [layerDigest] } })));
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layerSize }],
      }),
    ),
  );
  fs.writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }));
  fs.writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return dir;
}

beforeAll(() => {
  inputs = tempDir('scratchify-signals-in-');
  fs.chmodSync(inputs, 0o755);
  layout = bigLayout(join(inputs, 'layout'));
  dockerfile = join(inputs, 'Dockerfile');
  fs.writeFileSync(dockerfile, 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app/run"]\n');
  execFileSync('chmod', ['-R', 'a+rX', inputs]);
}, 300_000);

/** Directories the tests made, removed after them (inputs included). */
const made: string[] = [];
function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of [inputs, ...made]) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function start(args: string[], tmp: string, options: { uid?: number } = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TMPDIR: tmp, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
    uid: options.uid,
    gid: options.uid,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

/** Waits until a name in `dir` matches `pattern`; fails if the process ends first (the moment was missed). */
async function waitFor(dir: string, pattern: RegExp, run: Run): Promise<string> {
  let ended = false;
  void run.done.then(() => (ended = true));
  for (;;) {
    const found = fs.readdirSync(dir).find((name) => pattern.test(name));
    if (found) return found;
    if (ended) throw new Error(`the run ended before ${pattern} appeared in ${dir}: ${(await run.done).stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A fresh output directory with an old output in it, and a private temporary directory. */
function workspace(oldName: string): { out: string; tmp: string } {
  const out = scratchDir('scratchify-signals-out-');
  const tmp = scratchDir('scratchify-signals-tmp-');
  fs.writeFileSync(join(out, oldName), 'the old output');
  return { out, tmp };
}

function expectClean(out: string, oldName: string, tmp: string): void {
  expect(fs.readdirSync(out)).toEqual([oldName]);
  expect(fs.readFileSync(join(out, oldName), 'utf8')).toBe('the old output');
  expect(fs.readdirSync(tmp)).toEqual([]);
}

describe('a signal while an archive is written', () => {
  it.each([
    ['SIGTERM', 143, '--oci-archive'],
    ['SIGINT', 130, '--docker-archive'],
    ['SIGHUP', 129, '--oci-archive'],
  ] as const)('%s: exit %i, no scratch file beside the output or in the temporary directory, the old %s kept', async (signal, code, option) => {
    const { out, tmp } = workspace('slim.tar');
    const run = start(['slim', dockerfile, '--image-archive', layout, option, join(out, 'slim.tar'), '-o', '-'], tmp);
    const layer = await waitFor(out, /^\.slim\.tar\.scratchify-\d+-[0-9a-f]+\.layer$/, run);
    expect(fs.statSync(join(out, layer)).isFile()).toBe(true);
    run.child.kill(signal);
    const result = await run.done;
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: `scratchify: stopped by ${signal}; temporary files removed\n` });
    expectClean(out, 'slim.tar', tmp);
  }, 120_000);
});

describe('a signal while the image is analyzed', () => {
  it.each([
    ['slim', 'SIGTERM', 143, /^scratchify-slim-/],
    ['lint', 'SIGINT', 130, /^scratchify-lint-/],
  ] as const)('%s, %s: exit %i, its temporary directory removed', async (command, signal, code, pattern) => {
    const { out, tmp } = workspace('report');
    const run = start([command, dockerfile, '--image-archive', layout, command === 'slim' ? '--report' : '-o', join(out, 'report')], tmp);
    await waitFor(tmp, pattern, run);
    run.child.kill(signal);
    const result = await run.done;
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: `scratchify: stopped by ${signal}; temporary files removed\n` });
    expectClean(out, 'report', tmp);
  }, 120_000);
});

describe('an output whose directory cannot be written', () => {
  it('fails before anything is written, with one line and exit 2', async () => {
    const asNobody = process.getuid?.() === 0;
    const tmp = scratchDir('scratchify-signals-tmp-');
    const writable = scratchDir('scratchify-signals-out-');
    const locked = scratchDir('scratchify-signals-locked-');
    fs.writeFileSync(join(writable, 'Dockerfile.slim'), 'the old output');
    for (const open of [tmp, writable]) fs.chmodSync(open, 0o777);
    fs.chmodSync(join(writable, 'Dockerfile.slim'), 0o666);
    fs.chmodSync(locked, 0o555);
    const run = start(
      ['slim', dockerfile, '--image-archive', layout, '-o', join(writable, 'Dockerfile.slim'), '--report', join(writable, 'report.json'), '--oci-archive', join(locked, 'slim.tar')],
      tmp,
      asNobody ? { uid: NOBODY } : {},
    );
    const result = await run.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`scratchify: cannot write ${join(locked, 'slim.tar')}: EACCES\n`);
    expect(fs.readdirSync(writable)).toEqual(['Dockerfile.slim']);
    expect(fs.readFileSync(join(writable, 'Dockerfile.slim'), 'utf8')).toBe('the old output');
    expect(fs.readdirSync(locked)).toEqual([]);
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 120_000);
});
