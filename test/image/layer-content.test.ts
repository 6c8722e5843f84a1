/**
 * Reading file bytes back from layers after the merge (src/image/layer-content.ts): slices at the offsets the
 * merge recorded, and a gzip layer inflated once and kept when it fits the budget, in passes when it does not.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { buildTree } from '../../src/image/flatten';
import { parseImageConfig } from '../../src/image/image-config';
import { InflatedLayers, readLayerRanges } from '../../src/image/layer-content';
import type { LayerSource, OpenedImage } from '../../src/image/source';
import { configFor, sha256, tarOf, tempDir, writeFile } from './image-builder';

/** A layer held in memory that counts how often it is opened, i.e. how many passes read it. */
function countingLayer(stored: Buffer): LayerSource & { opens: number } {
  const layer = {
    name: 'test-layer',
    size: stored.length,
    opens: 0,
    open(range?: { start: number; end: number }): Readable {
      layer.opens += 1;
      return Readable.from([range ? stored.subarray(range.start, range.end + 1) : stored]);
    },
  };
  return layer;
}

/** Offset of `text` in the tar, which is where a file whose content is `text` starts. */
function rangeOf(tar: Buffer, text: string): { offset: number; size: number } {
  return { offset: tar.indexOf(text), size: Buffer.byteLength(text) };
}

async function fixture(): Promise<{ tar: Buffer; gzip: Buffer }> {
  const tar = await tarOf([
    { name: 'etc/first', content: 'first file' },
    { name: 'usr/lib/big', content: Buffer.alloc(300_000, 'x') },
    { name: 'etc/last', content: 'last file' },
  ]);
  return { tar, gzip: zlib.gzipSync(tar) };
}

describe('reading file bytes back from layers', () => {
  it('reads slices of an uncompressed layer by their offsets', async () => {
    const { tar } = await fixture();
    const layer = countingLayer(tar);
    const [first, last] = await readLayerRanges(layer, 'none', [rangeOf(tar, 'first file'), rangeOf(tar, 'last file')], 'image.tar');
    expect(first.toString()).toBe('first file');
    expect(last.toString()).toBe('last file');
  });

  it('inflates a gzip layer that fits the budget once, and serves later reads from it', async () => {
    const { tar, gzip } = await fixture();
    const layer = countingLayer(gzip);
    const cache = { inflated: new InflatedLayers(1024 * 1024), index: 0 };
    const reads = [rangeOf(tar, 'last file'), rangeOf(tar, 'first file'), rangeOf(tar, 'last file')];
    const texts: string[] = [];
    for (const range of reads) texts.push((await readLayerRanges(layer, 'gzip', [range], 'image.tar', cache))[0].toString());
    expect(texts).toEqual(['last file', 'first file', 'last file']);
    expect(layer.opens).toBe(1);
    expect(cache.inflated.get(0)?.equals(tar)).toBe(true);
  });

  it('reads a gzip layer larger than the budget in passes, stopping each after the last slice wanted', async () => {
    const { tar, gzip } = await fixture();
    const layer = countingLayer(gzip);
    const cache = { inflated: new InflatedLayers(100_000), index: 0 };
    const [first] = await readLayerRanges(layer, 'gzip', [rangeOf(tar, 'first file')], 'image.tar', cache);
    const [last, again] = await readLayerRanges(layer, 'gzip', [rangeOf(tar, 'last file'), rangeOf(tar, 'first file')], 'image.tar', cache);
    expect([first.toString(), last.toString(), again.toString()]).toEqual(['first file', 'last file', 'first file']);
    expect(layer.opens).toBe(2);
    expect(cache.inflated.get(0)).toBeUndefined();
    // Known not to fit: later passes do not try to keep it (and so may stop early).
    expect(cache.inflated.room(0)).toBe(0);
  });

  it('reports a slice past the end of a kept layer as truncated', async () => {
    const { tar, gzip } = await fixture();
    const cache = { inflated: new InflatedLayers(1024 * 1024), index: 0 };
    const layer = countingLayer(gzip);
    await readLayerRanges(layer, 'gzip', [rangeOf(tar, 'first file')], 'image.tar', cache);
    await expect(readLayerRanges(layer, 'gzip', [{ offset: tar.length - 10, size: 100 }], 'image.tar', cache)).rejects.toThrow(
      /test-layer: ended before the file data \(truncated\)/,
    );
  });
});

describe('gzip layers after the merge', () => {
  /** An opened image of one gzip layer in a host file, whose whole-layer opens are counted. */
  async function gzipImage(): Promise<{ image: OpenedImage; wholeOpens: () => number; tar: Buffer }> {
    const { tar, gzip } = await fixture();
    const file = writeFile(tempDir(), 'layer.tar.gz', gzip);
    let opens = 0;
    const config = parseImageConfig(configFor([{ tar, stored: gzip }]), 'test');
    const layer: LayerSource = {
      name: 'layer.tar.gz',
      size: gzip.length,
      diffId: sha256(tar),
      location: { file, start: 0, size: gzip.length },
      open(range) {
        if (!range) opens += 1;
        return fs.createReadStream(file, range);
      },
    };
    return { image: { format: 'docker-archive', file: 'test', config, layers: [layer] }, wholeOpens: () => opens, tar };
  }

  it('are read from the bytes the scan inflated to build the tree, without inflating them again', async () => {
    const { image, wholeOpens } = await gzipImage();
    const tree = await buildTree(image);
    expect((await tree.readFile('/etc/last')).toString()).toBe('last file');
    expect((await tree.readFile('/etc/first')).toString()).toBe('first file');
    expect(wholeOpens()).toBe(0);
  });
});
