/**
 * Opening an image from a path, whatever its form. Detection follows what is there, not the file name:
 * a directory with `oci-layout` is an OCI layout, any other directory a root filesystem; a tar with
 * `manifest.json` is a `docker save` archive (Docker ≥ 25 archives are OCI layouts too, but their
 * `manifest.json` is what `docker load` reads), a tar with only `oci-layout` + `index.json` an OCI archive.
 *
 * The adapters and the tree builder are loaded only once the threads that will read the layers have been
 * started: a thread takes ~60 ms to start, and loading them (~35 ms) then overlaps it instead of delaying it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImageError } from '../errors';
import type { FileTree } from '../tree/types';
import { LayerScanPool } from './scan';
import type { ImageConfig, ImageFormat, ImageSelection, ImageSource } from './source';

/** An image read into memory as metadata: its config and merged file tree. */
export interface LoadedImage {
  config: ImageConfig;
  tree: FileTree;
  source: ImageFormat;
}

/** Chooses the adapter for `location` by looking at what is there. */
export async function detectImageSource(location: string, selection: ImageSelection = {}): Promise<ImageSource> {
  const stat = await fs.promises.stat(location).catch((error: NodeJS.ErrnoException) => {
    throw new ImageError(error.code === 'ENOENT' ? 'no such file or directory' : `cannot open: ${error.code ?? error.message}`, { file: location });
  });
  if (stat.isDirectory()) {
    const marker = await fs.promises.lstat(path.join(location, 'oci-layout')).catch(() => undefined);
    if (marker?.isFile()) return new (require('./oci-layout') as typeof import('./oci-layout')).OciLayoutSource(location, selection);
    return new (require('./rootfs') as typeof import('./rootfs')).RootfsSource(location);
  }
  if (!stat.isFile()) throw new ImageError('not a file or directory', { file: location });
  const { TarMembers } = require('./member-store') as typeof import('./member-store');
  const members = await TarMembers.index(location);
  if (members.size('manifest.json') !== undefined) {
    return new (require('./docker-archive') as typeof import('./docker-archive')).DockerArchiveSource(location, selection, members);
  }
  if (members.size('oci-layout') !== undefined && members.size('index.json') !== undefined) {
    return new (require('./oci-archive') as typeof import('./oci-archive')).OciArchiveSource(location, selection, members);
  }
  throw new ImageError('not an image archive: neither manifest.json (docker save) nor oci-layout + index.json (OCI) found', { file: location });
}

/** Options of `openImage`. */
export interface OpenImageOptions {
  /**
   * Runs once every layer is queued for reading, while the worker threads start: the caller's own start-up work
   * (loading modules, say) done there overlaps the reading instead of delaying it.
   */
  whileReading?: () => void;
}

/** Opens an image archive, OCI layout or root directory and builds its merged tree. */
export async function openImage(location: string, selection: ImageSelection = {}, options: OpenImageOptions = {}): Promise<LoadedImage> {
  // The threads that will read the layers start while the adapters load, the archive is indexed and its
  // manifest read.
  const pool = new LayerScanPool();
  pool.prestart();
  try {
    const source = await detectImageSource(location, selection);
    const image = await source.open();
    const { buildTree } = require('./flatten') as typeof import('./flatten');
    const tree = await buildTree(image, pool, options.whileReading);
    return { config: image.config, tree, source: image.format };
  } finally {
    await pool.close();
  }
}
