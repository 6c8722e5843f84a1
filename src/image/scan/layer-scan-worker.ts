/**
 * The thread side of layer-scan.ts: runs each scan job it is sent (layer-scan-job.ts), posting entry batches
 * as they fill and then the digests.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { EntryBatch } from './entry-batch';
import type { ScanReply, ScanRequest } from './layer-scan';
import { runScanJob } from './layer-scan-job';

async function serve(port: MessagePort, job: ScanRequest): Promise<void> {
  const reply = (message: ScanReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const onBatch = (batch: EntryBatch): void =>
    reply({ id: job.id, batch }, [batch.fields.buffer as ArrayBuffer, batch.text.buffer as ArrayBuffer]);
  try {
    const { digests, inflated } = await runScanJob(job, onBatch);
    // A small concatenation is a slice of Node's shared pool: copy it into a buffer of its own to move it.
    const own = inflated && (inflated.byteOffset === 0 && inflated.byteLength === inflated.buffer.byteLength ? inflated : new Uint8Array(inflated));
    reply({ id: job.id, digests, inflated: own }, own ? [own.buffer as ArrayBuffer] : []);
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    reply({ id: job.id, error: message, code });
  }
}

const port = parentPort as MessagePort;
port.on('message', (job: ScanRequest) => void serve(port, job));
