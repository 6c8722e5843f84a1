/**
 * The scan pool (src/image/layer-scan.ts) runs layer scans on worker threads and on the calling thread. Both
 * must hand over the same entry batches and digests, and a pool closed mid-scan must fail what it had not
 * finished rather than leave it waiting.
 */
import { createHash } from 'node:crypto';
import { readEntries, type EntryBatch } from '../../src/image/entry-batch';
import { LayerScanPool, type LayerScan } from '../../src/image/layer-scan';
import type { LayerEntry } from '../../src/tree/types';
import { tarOf, tempDir, writeFile, type TestEntry } from './image-builder';

async function layerFile(entries: TestEntry[]): Promise<{ file: string; size: number; digest: string }> {
  const tar = await tarOf(entries);
  return { file: writeFile(tempDir(), 'layer.tar', tar), size: tar.length, digest: createHash('sha256').update(tar).digest('hex') };
}

async function drain(scan: LayerScan): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for await (const batch of scan as AsyncIterable<EntryBatch>) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

/** Enough entries for several batches, and enough bytes (> 8 MiB) that a scan on this thread pauses. */
const MANY: TestEntry[] = Array.from({ length: 5000 }, (_, index) => ({ name: `d/f${index}`, content: Buffer.alloc(index % 7 === 0 ? 12_000 : 10, 'x') }));

describe('LayerScanPool', () => {
  it('gives the same entries and digests on a worker thread and on this thread', async () => {
    const layer = await layerFile(MANY);
    const job = { file: layer.file, start: 0, size: layer.size, gzip: false, blobAlgorithm: 'sha256', diffAlgorithm: 'sha256' };
    const onWorker = new LayerScanPool(1, false);
    const here = new LayerScanPool(0, true);
    try {
      const [workerScan, hereScan] = [onWorker.scan(job), here.scan(job)];
      const [workerEntries, hereEntries] = await Promise.all([drain(workerScan), drain(hereScan)]);
      expect(hereEntries).toHaveLength(MANY.length);
      expect(hereEntries).toEqual(workerEntries);
      expect(hereScan.digests).toEqual({ blob: layer.digest, diff: layer.digest });
      expect(workerScan.digests).toEqual(hereScan.digests);
    } finally {
      await Promise.all([onWorker.close(), here.close()]);
    }
  });

  it('reports a truncated layer scanned on this thread as the worker does', async () => {
    const layer = await layerFile(MANY);
    const job = { file: layer.file, start: 0, size: layer.size - 700, gzip: false };
    const here = new LayerScanPool(0, true);
    try {
      await expect(drain(here.scan(job))).rejects.toThrow('truncated tar (unexpected end of data)');
    } finally {
      await here.close();
    }
  });

  it('fails a scan that is still running on this thread when the pool is closed', async () => {
    const layer = await layerFile(MANY);
    const here = new LayerScanPool(0, true);
    const scan = here.scan({ file: layer.file, start: 0, size: layer.size, gzip: false, blobAlgorithm: 'sha256' });
    const drained = drain(scan);
    await here.close();
    await expect(drained).rejects.toThrow('layer scan pool closed');
  });
});
