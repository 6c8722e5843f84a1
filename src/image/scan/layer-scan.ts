/**
 * Reading each layer once. For a layer whose stored bytes lie in a host file, one pass (layer-scan-job.ts)
 * reads them in large chunks, hashes the blob, inflates gzip, hashes the tar (the diff id) and finds every
 * entry header (tar-scanner.ts), handing the decoded entries over in batches (entry-batch.ts) as it goes.
 * Layers are taken in turn by one worker thread per core, while the calling thread merges what they send. (The
 * calling thread used to scan a layer too, in slices between merges: that saved a thread's start but made it
 * the longest thread, since a layer is the smallest share of hashing that can be handed out; with one worker
 * per core the system's scheduler shares the cores out finely instead.)
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { EntryBatch } from './entry-batch';
import { startModuleWorker } from './module-worker';
import type { HostRange } from '../source';

/** Hex digests of a layer's stored bytes and of its uncompressed tar, for the algorithms asked. */
export interface LayerDigests {
  blob?: string;
  diff?: string;
}

/**
 * What to scan: a host file range, whether it is gzip, and the algorithms of the two digests. `keepInflated`:
 * for a gzip layer, the most inflated bytes to hand back with the digests, so that reading files of a small
 * layer later needs no second inflation (0 or absent: none).
 */
export interface ScanJob extends HostRange {
  gzip: boolean;
  blobAlgorithm?: string;
  diffAlgorithm?: string;
  keepInflated?: number;
}

/** A job as posted to a worker. */
export interface ScanRequest extends ScanJob {
  id: number;
}

/** What a worker posts about a job: batches of entries, then the digests or the error that stopped the scan. */
export type ScanReply =
  | { id: number; batch: EntryBatch }
  | { id: number; digests: LayerDigests; inflated?: Uint8Array }
  | { id: number; error: string; code?: string };

type Outcome = { digests: LayerDigests; inflated?: Uint8Array } | { error: Error };

/**
 * One layer's scan. Iterate it for the entry batches in layer order (the iteration throws the error that
 * stopped the scan); once it has ended, `digests` holds what the layer hashed to.
 */
export class LayerScan implements AsyncIterable<EntryBatch> {
  digests: LayerDigests | undefined;
  /** The whole inflated tar of a gzip layer, when the job asked for it and it fit. */
  inflated: Uint8Array | undefined;
  private readonly batches: EntryBatch[] = [];
  private outcome: Outcome | undefined;
  private wake: (() => void) | undefined;

  deliver(batch: EntryBatch): void {
    this.batches.push(batch);
    this.notify();
  }

  finish(outcome: Outcome): void {
    this.outcome ??= outcome;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EntryBatch> {
    for (;;) {
      const batch = this.batches.shift();
      if (batch) {
        yield batch;
        continue;
      }
      const outcome = this.outcome;
      if (outcome) {
        if ('error' in outcome) throw outcome.error;
        this.digests = outcome.digests;
        this.inflated = outcome.inflated;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

interface Pending {
  job: ScanJob;
  scan: LayerScan;
}

const WORKER_MODULE = path.join(__dirname, 'layer-scan-worker');

/** Worker threads that scan layers; `close` must be called when done (it ends the threads). */
export class LayerScanPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending & { id: number }>();
  private readonly queue: Pending[] = [];
  private workers = 0;
  private nextId = 0;
  private closed = false;

  /** At most `size` worker threads, started only when a job needs one (or by `prestart`), by default one per core. */
  constructor(private readonly size = os.availableParallelism()) {}

  /**
   * Starts the threads before any job is known: a thread takes ~50 ms to start, which can pass while the caller
   * still reads the image's manifest and config.
   */
  prestart(): void {
    while (!this.closed && this.workers < this.size) this.idle.push(this.start());
  }

  /** Queues a layer; jobs start in the order they were queued. */
  scan(job: ScanJob): LayerScan {
    const scan = new LayerScan();
    if (this.closed) scan.finish({ error: new Error('layer scan pool closed') });
    else {
      this.queue.push({ job, scan });
      this.dispatch();
    }
    return scan;
  }

  /** Ends every thread; scans not yet finished fail. */
  async close(): Promise<void> {
    this.closed = true;
    const unfinished = [...this.queue, ...this.busy.values()].map((pending) => pending.scan);
    for (const scan of unfinished) scan.finish({ error: new Error('layer scan pool closed') });
    this.queue.length = 0;
    const threads = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(threads.map((worker) => worker.terminate()));
  }

  /** Hands queued jobs to idle workers, starting workers up to `size`. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.workers < this.size) worker = this.start();
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      const id = (this.nextId += 1);
      this.busy.set(worker, { ...pending, id });
      const request: ScanRequest = { ...pending.job, id };
      worker.postMessage(request);
    }
  }

  private start(): Worker {
    const worker = startModuleWorker(WORKER_MODULE);
    this.workers += 1;
    worker.on('message', (reply: ScanReply) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.id !== reply.id) return;
      if ('batch' in reply) {
        pending.scan.deliver(reply.batch);
        return;
      }
      this.busy.delete(worker);
      this.idle.push(worker);
      if ('error' in reply) pending.scan.finish({ error: Object.assign(new Error(reply.error), { code: reply.code }) });
      else pending.scan.finish({ digests: reply.digests, inflated: reply.inflated });
      this.dispatch();
    });
    worker.on('error', (error) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      this.workers -= 1;
      pending?.scan.finish({ error });
      this.dispatch();
    });
    return worker;
  }
}
