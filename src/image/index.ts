/**
 * Reading images: one adapter per source (docker save archive, OCI archive, OCI layout, root directory)
 * behind `ImageSource`, the merged tree they build, and `openImage`, which picks the adapter (open-image.ts).
 */
export type { ImageConfig, ImageFormat, ImageSelection, ImageSource, LayerSource, OpenedImage, HealthcheckConfig } from './source';
export { DockerArchiveSource } from './docker-archive';
export { OciArchiveSource } from './oci-archive';
export { OciLayoutSource } from './oci-layout';
export { RootfsSource } from './rootfs';
export { buildTree } from './flatten';
export { detectImageSource, openImage, type LoadedImage, type OpenImageOptions } from './open-image';
