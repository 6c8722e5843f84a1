/**
 * The thread side of layer-scan.ts: one pass over a layer's stored bytes that hashes them, inflates gzip,
 * hashes the tar and scans its headers, posting header batches as they fill and then the digests.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parentPort, type MessagePort } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import type { HeaderBatch } from './header-batch';
import type { LayerDigests, ScanJob, ScanReply, ScanRequest } from './layer-scan';
import { TarScanner } from './tar-scanner';

/**
 * Bytes per read: few enough system calls, and small enough to stay in a core's L2 cache (512 KiB on the
 * benchmark machine) between the read that writes it, the hash and the header scan that read it.
 */
const CHUNK_BYTES = 128 * 1024;
const chunk = Buffer.allocUnsafe(CHUNK_BYTES);

function scanPlain(job: ScanJob, scanner: TarScanner): LayerDigests {
  const blob = job.blobAlgorithm ? createHash(job.blobAlgorithm) : undefined;
  // An uncompressed layer's blob is its tar: one hash serves both digests when the algorithms agree.
  const diff = job.diffAlgorithm && job.diffAlgorithm !== job.blobAlgorithm ? createHash(job.diffAlgorithm) : undefined;
  const fd = fs.openSync(job.file, 'r');
  try {
    let done = 0;
    while (done < job.size) {
      const read = fs.readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, job.size - done), job.start + done);
      // The archive was indexed with this range inside it; it has shrunk since.
      if (read === 0) throw new Error('truncated tar (unexpected end of data)');
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
  return { blob: blobHex, diff: diff ? diff.digest('hex') : job.diffAlgorithm ? blobHex : undefined };
}

/** A gzip layer's digests, and its whole inflated tar when the job asked to keep up to that much. */
function scanGzip(job: ScanJob, scanner: TarScanner): Promise<{ digests: LayerDigests; inflated?: Uint8Array }> {
  return new Promise((resolve, reject) => {
    let kept: Buffer[] | undefined = job.keepInflated ? [] : undefined;
    let keptBytes = 0;
    const blob = job.blobAlgorithm ? createHash(job.blobAlgorithm) : undefined;
    const diff = job.diffAlgorithm ? createHash(job.diffAlgorithm) : undefined;
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

async function serve(port: MessagePort, job: ScanRequest): Promise<void> {
  const reply = (message: ScanReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const scanner = new TarScanner((batch: HeaderBatch) =>
    reply({ id: job.id, batch }, [batch.bytes.buffer as ArrayBuffer, batch.positions.buffer as ArrayBuffer]),
  );
  try {
    if (job.gzip) {
      const { digests, inflated } = await scanGzip(job, scanner);
      // A small concatenation is a slice of Node's shared pool: copy it into a buffer of its own to move it.
      const own = inflated && (inflated.byteOffset === 0 && inflated.byteLength === inflated.buffer.byteLength ? inflated : new Uint8Array(inflated));
      reply({ id: job.id, digests, inflated: own }, own ? [own.buffer as ArrayBuffer] : []);
    } else {
      reply({ id: job.id, digests: scanPlain(job, scanner) });
    }
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    reply({ id: job.id, error: message, code });
  }
}

const port = parentPort as MessagePort;
port.on('message', (job: ScanRequest) => void serve(port, job));
