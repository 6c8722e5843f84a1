/**
 * An OCI archive: a tar of an OCI image layout (`skopeo copy … oci-archive:`, `buildctl --output type=oci`).
 * The tar is indexed once and then read by random access, so member order does not matter.
 */
import { checkLayoutMarker, readOciImage } from './oci-layout';
import { TarMembers } from './member-store';
import type { ImageSelection, ImageSource, OpenedImage } from './source';

export class OciArchiveSource implements ImageSource {
  readonly format = 'oci-archive' as const;

  constructor(
    private readonly file: string,
    private readonly selection: ImageSelection = {},
    private readonly members?: TarMembers,
  ) {}

  async open(): Promise<OpenedImage> {
    const store = this.members ?? (await TarMembers.index(this.file));
    await checkLayoutMarker(store);
    return readOciImage(store, this.format, this.selection);
  }
}
