/**
 * Content digests as OCI writes them (`sha256:<64 hex>`, image-spec `descriptor.md`). A digest is checked
 * against a strict pattern before it becomes a blob path, so a hostile index cannot name `../../etc/passwd`.
 */
import { ImageError } from '../errors';

const DIGEST_PATTERN: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** Splits and checks a digest; throws ImageError naming `file` when it is not one we can verify. */
export function parseDigest(digest: unknown, file: string): { algorithm: 'sha256' | 'sha512'; hex: string } {
  if (typeof digest !== 'string') throw new ImageError('descriptor has no digest', { file });
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const pattern = DIGEST_PATTERN[algorithm];
  if (colon < 0 || !pattern || !pattern.test(hex)) {
    throw new ImageError(`unsupported or malformed digest ${JSON.stringify(digest)}`, { file });
  }
  return { algorithm: algorithm as 'sha256' | 'sha512', hex };
}

/** `blobs/<alg>/<hex>`, the path of a blob inside an OCI layout (image-spec `image-layout.md`). */
export function blobPath(digest: unknown, file: string): string {
  const { algorithm, hex } = parseDigest(digest, file);
  return `blobs/${algorithm}/${hex}`;
}
