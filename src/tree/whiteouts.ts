/**
 * Whiteout names in layer tars (OCI image-spec `layer.md`, from AUFS): `.wh.NAME` deletes NAME from lower
 * layers, `DIR/.wh..wh..opq` hides every lower child of DIR. Other `.wh..wh.` names are AUFS bookkeeping; the
 * only one that matters is `/.wh..wh.plnk/`, whose regular files can be hardlink targets (moby and containerd
 * keep them aside for that), so they are remembered for the layer but never shown in the tree.
 */

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
export const AUFS_META_PREFIX = '.wh..wh.';
/** AUFS hardlink directory at the layer root. */
export const AUFS_HARDLINK_DIR = '.wh..wh.plnk';

/** What a layer entry's base name means for the merge. */
export type WhiteoutKind =
  | { kind: 'opaque' }
  | { kind: 'whiteout'; target: string }
  | { kind: 'aufs-metadata' }
  | { kind: 'invalid' };

/** Classifies a base name; undefined for an ordinary entry. */
export function classifyWhiteout(baseName: string): WhiteoutKind | undefined {
  if (!baseName.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (baseName === OPAQUE_MARKER) return { kind: 'opaque' };
  if (baseName.startsWith(AUFS_META_PREFIX)) return { kind: 'aufs-metadata' };
  const target = baseName.slice(WHITEOUT_PREFIX.length);
  // `.wh.` alone, `.wh..` and `.wh...` name nothing that can be deleted.
  if (target === '' || target === '.' || target === '..') return { kind: 'invalid' };
  return { kind: 'whiteout', target };
}
