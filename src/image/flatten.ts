/**
 * Turning an opened image into its merged file tree: every layer read once, oldest first, into
 * `MergedTree`, with the `ContentReader` (layer-content.ts) that later re-reads file bytes by layer and offset.
 */
import { MergedTree } from '../tree/merged-tree';
import type { LayerEntry } from '../tree/types';
import { forEachEntry } from './entry-batch';
import { LayerScanPool, type LayerDigests } from './layer-scan';
import { INFLATED_LAYER_BUDGET, InflatedLayers, layerContentReader } from './layer-content';
import { checkLayerDigests, layerCompression, layerDigestAlgorithms, layerError, streamLayer, type Compression } from './layer-stream';
import { scanRootDirectory } from './rootfs';
import type { OpenedImage } from './source';

/**
 * The largest inflated gzip layer a scan hands back for later file reads: small layers (an application, its
 * configuration) are the common case, and several may be in flight at once.
 */
const HANDED_OVER_LAYER_BYTES = INFLATED_LAYER_BUDGET / 4;

/**
 * Builds the merged tree of an opened image, verifying layer digests. Layers in a host file are all queued on
 * the scan pool at once (layer-scan.ts: one read per layer, hashing and header scan in the same pass) and
 * merged in layer order as their entries arrive; a layer elsewhere is streamed here. The tree is returned only
 * once every digest has matched; a layer that cannot be read is reported before any digest. `pool` is the
 * caller's (it may have started its threads already, and the caller closes it); without one, a pool is made
 * and closed here. `whileReading` runs once every layer is queued, before any is merged.
 */
export async function buildTree(image: OpenedImage, pool?: LayerScanPool, whileReading?: () => void): Promise<MergedTree> {
  if (!pool) {
    const own = new LayerScanPool();
    try {
      return await buildTree(image, own, whileReading);
    } finally {
      await own.close();
    }
  }
  const compressions: Compression[] = [];
  const inflated = new InflatedLayers();
  const tree = new MergedTree(layerContentReader(image, compressions, inflated), image.file);
  if (image.rootDirectory) {
    tree.beginLayer(0);
    await scanRootDirectory(image.rootDirectory, (entry) => tree.apply(entry));
  }
  for (const [index, layer] of image.layers.entries()) compressions[index] = await layerCompression(layer, index, image.file);
  const scans = image.layers.map((layer, index) => {
    if (!layer.location) return undefined;
    const gzip = compressions[index] === 'gzip';
    return pool.scan({ ...layer.location, gzip, ...layerDigestAlgorithms(layer), keepInflated: gzip ? HANDED_OVER_LAYER_BYTES : 0 });
  });
  whileReading?.();
  const digests: LayerDigests[] = [];
  for (const [index, layer] of image.layers.entries()) {
    tree.beginLayer(index);
    const onEntry = (entry: LayerEntry): void => tree.apply(entry);
    const scan = scans[index];
    if (!scan) {
      digests[index] = await streamLayer(layer, index, image.file, compressions[index], onEntry);
      continue;
    }
    try {
      for await (const batch of scan) forEachEntry(batch, onEntry);
    } catch (error) {
      throw layerError(error, layer, index, image.file);
    }
    digests[index] = scan.digests as LayerDigests;
    if (scan.inflated) inflated.keep(index, Buffer.from(scan.inflated.buffer, scan.inflated.byteOffset, scan.inflated.byteLength));
  }
  for (const [index, layer] of image.layers.entries()) checkLayerDigests(layer, index, image.file, digests[index]);
  return tree.seal();
}
