/**
 * The scan pool (src/image/scan/layer-scan.ts) runs layer scans on worker threads. A worker must hand over the
 * entries the scan gives on this thread and the layer's digests, and a pool closed mid-scan must fail what it
 * had not finished rather than leave it waiting.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { readEntries, type EntryBatch } from '../../src/image/scan';
import { LayerScanPool, type LayerScan } from '../../src/image/scan';
import { TarScanner } from '../../src/image/scan';
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

/** Enough entries for several batches, and enough bytes that the scan takes many reads. */
const MANY: TestEntry[] = Array.from({ length: 5000 }, (_, index) => ({ name: `d/f${index}`, content: Buffer.alloc(index % 7 === 0 ? 12_000 : 10, 'x') }));

/** The entries the same scan gives when run on this thread, without the pool. */
function scannedHere(file: string): LayerEntry[] {
  const batches: EntryBatch[] = [];
  const scanner = new TarScanner((batch) => batches.push(batch));
  scanner.push(fs.readFileSync(file));
  scanner.end();
  const entries: LayerEntry[] = [];
  for (const batch of batches) readEntries(batch, (entry) => entries.push(entry));
  return entries;
}

describe('LayerScanPool', () => {
  it('gives on a worker thread the entries the scan gives here, and the layer digests', async () => {
    const layer = await layerFile(MANY);
    const job = { file: layer.file, start: 0, size: layer.size, gzip: false, blobAlgorithm: 'sha256', diffAlgorithm: 'sha256' };
    const pool = new LayerScanPool(1);
    try {
      const scan = pool.scan(job);
      const entries = await drain(scan);
      expect(entries).toHaveLength(MANY.length);
      expect(entries).toEqual(scannedHere(layer.file));
      expect(scan.digests).toEqual({ blob: layer.digest, diff: layer.digest });
    } finally {
      await pool.close();
    }
  });

  it('reports a truncated layer', async () => {
    const layer = await layerFile(MANY);
    const job = { file: layer.file, start: 0, size: layer.size - 700, gzip: false };
    const pool = new LayerScanPool(1);
    try {
      await expect(drain(pool.scan(job))).rejects.toThrow('truncated tar (unexpected end of data)');
    } finally {
      await pool.close();
    }
  });

  it('fails a scan that is still running, and one still queued, when the pool is closed', async () => {
    const layer = await layerFile(MANY);
    const pool = new LayerScanPool(1);
    const job = { file: layer.file, start: 0, size: layer.size, gzip: false, blobAlgorithm: 'sha256' };
    const [running, queued] = [drain(pool.scan(job)), drain(pool.scan(job))];
    const failures = Promise.all([
      expect(running).rejects.toThrow('layer scan pool closed'),
      expect(queued).rejects.toThrow('layer scan pool closed'),
    ]);
    await pool.close();
    await failures;
  });
});
