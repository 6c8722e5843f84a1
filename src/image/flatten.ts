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
import { DigestPool, type LayerDigests } from './digest-worker';
import { walkLayerHeaders } from './layer-headers';
import {
  checkLayerDigests,
  layerCompression,
  layerDigestAlgorithms,
  layerError,
  readLayerRanges,
  streamLayer,
  toLayerEntry,
  type Compression,
} from './layer-stream';
import { readHostFile, scanRootDirectory } from './rootfs';
import type { HostRange, LayerSource, OpenedImage } from './source';

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

/** Whether a layer's headers can be walked by position: uncompressed bytes in a host file. */
function walkable(layer: LayerSource, compression: Compression): layer is LayerSource & { location: HostRange } {
  return compression === 'none' && layer.location !== undefined;
}

/**
 * Builds the merged tree of an opened image, verifying layer digests. Layers in a host file are hashed on a
 * worker pool from the start, all at once, while the main thread merges: uncompressed ones by walking their
 * headers by position (layer-headers.ts), gzip ones by streaming (gzip has no index to seek in). The tree is
 * returned only once every digest has matched; a layer that cannot be read is reported before any digest.
 */
export async function buildTree(image: OpenedImage): Promise<MergedTree> {
  const compressions: Compression[] = [];
  const tree = new MergedTree(contentReader(image, compressions), image.file);
  if (image.rootDirectory) {
    tree.beginLayer(0);
    await scanRootDirectory(image.rootDirectory, (entry) => tree.apply(entry));
  }
  for (const [index, layer] of image.layers.entries()) compressions[index] = await layerCompression(layer, index, image.file);
  const pool = new DigestPool();
  try {
    const background = image.layers.map((layer, index) => {
      const { blobAlgorithm, diffAlgorithm } = layerDigestAlgorithms(layer);
      if (!layer.location || (!blobAlgorithm && !diffAlgorithm)) return undefined;
      const digests = pool.hash({ ...layer.location, gzip: compressions[index] === 'gzip', blobAlgorithm, diffAlgorithm });
      // Awaited below in layer order; a rejection before then must not count as unhandled.
      digests.catch(() => undefined);
      return digests;
    });
    const inline: (LayerDigests | undefined)[] = [];
    for (const [index, layer] of image.layers.entries()) {
      tree.beginLayer(index);
      const warn = (message: string): void => void tree.warnings.push(`layer ${index + 1}: ${message}`);
      const onEntry = (entry: LayerEntry): void => tree.apply(entry);
      if (walkable(layer, compressions[index])) {
        try {
          await walkLayerHeaders(layer.location, (header) => {
            const entry = toLayerEntry(header, warn);
            if (entry) onEntry(entry);
          });
        } catch (error) {
          throw layerError(error, layer, index, image.file);
        }
      } else {
        inline[index] = await streamLayer(layer, index, image.file, compressions[index], onEntry, warn, background[index] === undefined);
      }
    }
    for (const [index, layer] of image.layers.entries()) {
      let digests: LayerDigests | undefined;
      try {
        digests = background[index] ? await background[index] : inline[index];
      } catch (error) {
        throw layerError(error, layer, index, image.file);
      }
      if (digests) checkLayerDigests(layer, index, image.file, digests);
    }
  } finally {
    await pool.close();
  }
  return tree.seal();
}
