/**
 * Checking a layer's digests on the second core. Hashing a layer costs about as much as parsing it (sha256 of
 * 1 GB ≈ 1 s here), so when the stored bytes lie in a host file a worker thread re-reads them from the page
 * cache, decompresses gzip itself and hashes both the blob and the diff id while the main thread parses the
 * same bytes. The worker's source is a plain CommonJS string so it runs the same under ts-jest and from dist/.
 */
import { Worker } from 'node:worker_threads';
import type { HostRange } from './source';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const zlib = require('node:zlib');
const { file, start, size, gzip, blobAlgorithm, diffAlgorithm } = workerData;
const blob = blobAlgorithm ? createHash(blobAlgorithm) : null;
const diff = diffAlgorithm ? createHash(diffAlgorithm) : null;
const finish = () => parentPort.postMessage({ blob: blob && blob.digest('hex'), diff: diff && diff.digest('hex') });
const fail = (error) => parentPort.postMessage({ error: error.message, code: error.code });
const input = size === 0 ? require('node:stream').Readable.from([]) : fs.createReadStream(file, { start, end: start + size - 1, highWaterMark: 1 << 20 });
input.on('error', fail);
if (gzip) {
  const gunzip = zlib.createGunzip();
  input.on('data', (chunk) => { if (blob) blob.update(chunk); });
  gunzip.on('data', (chunk) => { if (diff) diff.update(chunk); });
  gunzip.on('error', fail);
  gunzip.on('end', finish);
  input.pipe(gunzip);
} else {
  input.on('data', (chunk) => { if (blob) blob.update(chunk); if (diff) diff.update(chunk); });
  input.on('end', finish);
}
`;

/** Hex digests of a layer's stored bytes and of its uncompressed tar, for the algorithms asked. */
export interface LayerDigests {
  blob?: string;
  diff?: string;
}

/** Hashes a host file range on a worker thread; rejects with the stream error the worker met. */
export function hashInWorker(
  range: HostRange,
  options: { gzip: boolean; blobAlgorithm?: string; diffAlgorithm?: string },
): Promise<LayerDigests> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...range, ...options } });
    worker.once('message', (message: LayerDigests & { error?: string; code?: string }) => {
      void worker.terminate();
      if (message.error !== undefined) reject(Object.assign(new Error(message.error), { code: message.code }));
      else resolve({ blob: message.blob ?? undefined, diff: message.diff ?? undefined });
    });
    worker.once('error', reject);
  });
}
