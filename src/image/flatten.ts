/**
 * Turning an opened image into its merged file tree: every layer read once, oldest first, into
 * `MergedTree`; and the `ContentReader` that later re-reads file bytes by layer and offset, batching all
 * reads that fall in one layer into one pass (a gzip layer has no index, so each pass decompresses from the
 * start up to the last file wanted).
 */
import { ImageError } from '../errors';
import { MergedTree } from '../tree/merged-tree';
import type { ContentLocation, ContentReader } from '../tree/types';
import type { LayerEntry } from '../tree/types';
import { HeaderDecoder } from './header-decoder';
import { LayerScanPool, type LayerDigests } from './layer-scan';
import {
  checkLayerDigests,
  layerCompression,
  layerDigestAlgorithms,
  layerError,
  readLayerRanges,
  streamLayer,
  type Compression,
} from './layer-stream';
import { readHostFile, scanRootDirectory } from './rootfs';
import type { OpenedImage } from './source';

function contentReader(image: OpenedImage, compressions: Compression[]): ContentReader {
  return {
    async read(requests) {
      const results: Buffer[] = new Array(requests.length);
      const byLayer = new Map<number, number[]>();
      const hostReads: Promise<void>[] = [];
      requests.forEach((request, index) => {
        const location: ContentLocation = request.location;
        if (location.kind === 'host') {
          if (!image.rootDirectory) throw new ImageError('host content in an image without root directory', { file: image.file });
          hostReads.push(readHostFile(image.rootDirectory, location.path).then((bytes) => void (results[index] = bytes)));
          return;
        }
        const list = byLayer.get(location.layer);
        if (list) list.push(index);
        else byLayer.set(location.layer, [index]);
      });
      for (const [layer, indexes] of byLayer) {
        const ranges = indexes.map((index) => {
          const location = requests[index].location as Extract<ContentLocation, { kind: 'layer' }>;
          return { offset: location.offset, size: requests[index].size };
        });
        const buffers = await readLayerRanges(image.layers[layer], compressions[layer], ranges, image.file);
        indexes.forEach((index, k) => (results[index] = buffers[k]));
      }
      await Promise.all(hostReads);
      return results;
    },
  };
}

/**
 * Builds the merged tree of an opened image, verifying layer digests. Layers in a host file are all queued on
 * the scan pool at once (layer-scan.ts: one read per layer, hashing and header scan in the same pass) and
 * merged in layer order as their entries arrive; a layer elsewhere is streamed here. The tree is returned only
 * once every digest has matched; a layer that cannot be read is reported before any digest.
 */
export async function buildTree(image: OpenedImage): Promise<MergedTree> {
  const compressions: Compression[] = [];
  const tree = new MergedTree(contentReader(image, compressions), image.file);
  if (image.rootDirectory) {
    tree.beginLayer(0);
    await scanRootDirectory(image.rootDirectory, (entry) => tree.apply(entry));
  }
  for (const [index, layer] of image.layers.entries()) compressions[index] = await layerCompression(layer, index, image.file);
  const pool = new LayerScanPool();
  try {
    const scans = image.layers.map((layer, index) =>
      layer.location ? pool.scan({ ...layer.location, gzip: compressions[index] === 'gzip', ...layerDigestAlgorithms(layer) }) : undefined,
    );
    const digests: LayerDigests[] = [];
    for (const [index, layer] of image.layers.entries()) {
      tree.beginLayer(index);
      const onEntry = (entry: LayerEntry): void => tree.apply(entry);
      const scan = scans[index];
      if (!scan) {
        const warn = (message: string): void => void tree.warnings.push(`layer ${index + 1}: ${message}`);
        digests[index] = await streamLayer(layer, index, image.file, compressions[index], onEntry, warn);
        continue;
      }
      try {
        const decoder = new HeaderDecoder();
        for await (const batch of scan) decoder.decode(batch, onEntry);
      } catch (error) {
        throw layerError(error, layer, index, image.file);
      }
      digests[index] = scan.digests as LayerDigests;
    }
    for (const [index, layer] of image.layers.entries()) checkLayerDigests(layer, index, image.file, digests[index]);
  } finally {
    await pool.close();
  }
  return tree.seal();
}
