/**
 * One layer scan (layer-scan.ts), run by a worker thread (layer-scan-worker.ts): a single pass over the layer's
 * stored bytes that hashes them, inflates gzip, hashes the tar and decodes its headers, handing entry batches
 * over as they fill.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type * as Zlib from 'node:zlib';
import type { EntryBatch } from './entry-batch';
import type { LayerDigests, ScanJob } from './layer-scan';
import { TRUNCATED_TAR } from '../tar-header';
import { TarScanner } from './tar-scanner';

/**
 * Bytes per read: few enough system calls, and small enough to stay in a core's L2 cache (512 KiB on the
 * benchmark machine) between the read that writes it, the hash and the header scan that read it.
 */
const CHUNK_BYTES = 128 * 1024;

/** What a finished scan found. */
export interface ScanResult {
  digests: LayerDigests;
  /** The whole inflated tar of a gzip layer, when the job asked to keep it and it fit. */
  inflated?: Buffer;
}

/** Runs `job`, calling `onBatch` with each entry batch in stream order. */
export async function runScanJob(job: ScanJob, onBatch: (batch: EntryBatch) => void): Promise<ScanResult> {
  const scanner = new TarScanner(onBatch);
  return job.gzip ? scanGzip(job, scanner) : scanPlain(job, scanner);
}

/** An uncompressed layer is scanned to its end in one go, so one buffer serves every scan of the thread. */
let sharedChunk: Buffer | undefined;

function scanPlain(job: ScanJob, scanner: TarScanner): ScanResult {
  const blob = job.blobAlgorithm ? createHash(job.blobAlgorithm) : undefined;
  // An uncompressed layer's blob is its tar: one hash serves both digests when the algorithms agree.
  const diff = job.diffAlgorithm && job.diffAlgorithm !== job.blobAlgorithm ? createHash(job.diffAlgorithm) : undefined;
  const chunk = (sharedChunk ??= Buffer.allocUnsafe(CHUNK_BYTES));
  const fd = fs.openSync(job.file, 'r');
  try {
    let done = 0;
    while (done < job.size) {
      const read = fs.readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, job.size - done), job.start + done);
      // The archive was indexed with this range inside it; it has shrunk since.
      if (read === 0) throw new Error(TRUNCATED_TAR);
      const bytes = chunk.subarray(0, read);
      blob?.update(bytes);
      diff?.update(bytes);
      scanner.push(bytes);
      done += read;
    }
  } finally {
    fs.closeSync(fd);
  }
  scanner.end();
  const blobHex = blob?.digest('hex');
  return { digests: { blob: blobHex, diff: diff ? diff.digest('hex') : job.diffAlgorithm ? blobHex : undefined } };
}

function scanGzip(job: ScanJob, scanner: TarScanner): Promise<ScanResult> {
  // Loaded here: most layers of most images are uncompressed, and a thread that never inflates never needs zlib.
  const zlib = require('node:zlib') as typeof Zlib;
  return new Promise((resolve, reject) => {
    const blob = job.blobAlgorithm ? createHash(job.blobAlgorithm) : undefined;
    const diff = job.diffAlgorithm ? createHash(job.diffAlgorithm) : undefined;
    let kept: Buffer[] | undefined = job.keepInflated ? [] : undefined;
    let keptBytes = 0;
    // A gzip layer is never empty: its compression was sniffed from its first bytes.
    const input = fs.createReadStream(job.file, { start: job.start, end: job.start + job.size - 1, highWaterMark: CHUNK_BYTES });
    const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
    const fail = (error: unknown): void => {
      input.destroy();
      gunzip.destroy();
      reject(error);
    };
    input.on('error', fail);
    gunzip.on('error', fail);
    input.on('data', (bytes) => void blob?.update(bytes));
    gunzip.on('data', (bytes: Buffer) => {
      diff?.update(bytes);
      if (kept) {
        keptBytes += bytes.length;
        if (keptBytes > (job.keepInflated as number)) kept = undefined;
        else kept.push(bytes);
      }
      try {
        scanner.push(bytes);
      } catch (error) {
        fail(error);
      }
    });
    gunzip.on('end', () => {
      try {
        scanner.end();
        resolve({ digests: { blob: blob?.digest('hex'), diff: diff?.digest('hex') }, inflated: kept && Buffer.concat(kept, keptBytes) });
      } catch (error) {
        fail(error);
      }
    });
    input.pipe(gunzip);
  });
}
