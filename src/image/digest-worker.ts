/**
 * Checking layer digests on the other cores. Hashing a layer costs more than walking its headers (sha256
 * runs at about 0.7–1.3 s per GB here), so when a layer's stored bytes lie in a host file, worker threads
 * re-read them from the page cache, decompress gzip themselves and hash the blob and the diff id, while the
 * main thread builds the tree. A pool of one worker per core takes the layers in turn, so an image with many
 * layers hashes them in parallel instead of one after another. The worker's source is a plain CommonJS
 * string so it runs the same under ts-jest and from dist/.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HostRange } from './source';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const zlib = require('node:zlib');
const CHUNK = 1 << 20;
const buffer = Buffer.allocUnsafe(CHUNK);

function hashPlain(job) {
  const blob = job.blobAlgorithm ? createHash(job.blobAlgorithm) : null;
  // An uncompressed layer's blob is its tar: one hash serves both digests when the algorithms agree.
  const diff = job.diffAlgorithm && job.diffAlgorithm !== job.blobAlgorithm ? createHash(job.diffAlgorithm) : null;
  const fd = fs.openSync(job.file, 'r');
  try {
    let done = 0;
    while (done < job.size) {
      const read = fs.readSync(fd, buffer, 0, Math.min(CHUNK, job.size - done), job.start + done);
      if (read === 0) throw Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' });
      const chunk = buffer.subarray(0, read);
      if (blob) blob.update(chunk);
      if (diff) diff.update(chunk);
      done += read;
    }
  } finally {
    fs.closeSync(fd);
  }
  const blobHex = blob && blob.digest('hex');
  return { blob: blobHex, diff: diff ? diff.digest('hex') : job.diffAlgorithm ? blobHex : null };
}

function hashGzip(job) {
  return new Promise((resolve, reject) => {
    const blob = job.blobAlgorithm ? createHash(job.blobAlgorithm) : null;
    const diff = job.diffAlgorithm ? createHash(job.diffAlgorithm) : null;
    const input = fs.createReadStream(job.file, { start: job.start, end: job.start + job.size - 1, highWaterMark: CHUNK });
    const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
    input.on('error', reject);
    gunzip.on('error', reject);
    input.on('data', (chunk) => { if (blob) blob.update(chunk); });
    gunzip.on('data', (chunk) => { if (diff) diff.update(chunk); });
    gunzip.on('end', () => resolve({ blob: blob && blob.digest('hex'), diff: diff && diff.digest('hex') }));
    input.pipe(gunzip);
  });
}

parentPort.on('message', async (job) => {
  try {
    // A gzip layer is never empty: its compression was sniffed from its first bytes.
    const digests = job.gzip ? await hashGzip(job) : hashPlain(job);
    parentPort.postMessage({ id: job.id, ...digests });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: error.message, code: error.code });
  }
});
`;

/** Hex digests of a layer's stored bytes and of its uncompressed tar, for the algorithms asked. */
export interface LayerDigests {
  blob?: string;
  diff?: string;
}

/** What to hash: a host file range, whether it is gzip, and the algorithms of the two digests. */
export interface DigestJob extends HostRange {
  gzip: boolean;
  blobAlgorithm?: string;
  diffAlgorithm?: string;
}

interface Pending {
  job: DigestJob;
  resolve: (digests: LayerDigests) => void;
  reject: (error: Error) => void;
}

interface Reply extends LayerDigests {
  id: number;
  error?: string;
  code?: string;
}

/** Worker threads that hash layers; `close` must be called when done (it ends the threads). */
export class DigestPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private workers = 0;
  private nextId = 0;
  private closed = false;

  /** At most `size` threads, started only when a job needs one; default one per core. */
  constructor(private readonly size = Math.max(1, os.availableParallelism())) {}

  /** Hashes a host file range; rejects with the read or gunzip error the worker met. */
  hash(job: DigestJob): Promise<LayerDigests> {
    if (this.closed) return Promise.reject(new Error('digest pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every thread; jobs not yet finished are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of [...this.queue, ...this.busy.values()]) pending.reject(new Error('digest pool closed'));
    this.queue.length = 0;
    const threads = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(threads.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.workers < this.size) worker = this.start();
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      this.busy.set(worker, pending);
      worker.postMessage({ ...pending.job, id: (this.nextId += 1) });
    }
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.workers += 1;
    worker.on('message', (reply: Reply) => {
      const pending = this.busy.get(worker);
      if (!pending) return;
      this.busy.delete(worker);
      this.idle.push(worker);
      if (reply.error !== undefined) pending.reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else pending.resolve({ blob: reply.blob ?? undefined, diff: reply.diff ?? undefined });
      this.dispatch();
    });
    worker.on('error', (error) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      this.workers -= 1;
      pending?.reject(error);
      this.dispatch();
    });
    return worker;
  }
}
