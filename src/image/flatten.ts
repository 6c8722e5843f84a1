/**
 * Turning an opened image into its merged file tree: every layer streamed once, oldest first, into
 * `MergedTree`; and the `ContentReader` that later re-reads file bytes by layer and offset, batching all
 * reads that fall in one layer into one pass (a gzip layer has no index, so each pass decompresses from the
 * start up to the last file wanted).
 */
import { ImageError } from '../errors';
import { MergedTree } from '../tree/merged-tree';
import type { ContentLocation, ContentReader } from '../tree/types';
import { readLayerRanges, scanLayer, type Compression } from './layer-stream';
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

/** Builds the merged tree of an opened image, verifying layer digests on the way. */
export async function buildTree(image: OpenedImage): Promise<MergedTree> {
  const compressions: Compression[] = [];
  const tree = new MergedTree(contentReader(image, compressions), image.file);
  if (image.rootDirectory) {
    tree.beginLayer(0);
    await scanRootDirectory(image.rootDirectory, (entry) => tree.apply(entry));
  }
  for (const [index, layer] of image.layers.entries()) {
    tree.beginLayer(index);
    compressions[index] = await scanLayer(
      layer,
      index,
      image.file,
      (entry) => tree.apply(entry),
      (message) => tree.warnings.push(`layer ${index + 1}: ${message}`),
    );
  }
  return tree.seal();
}
