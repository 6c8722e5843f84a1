/**
 * Turning the errors that zlib and fs raise into the short phrases of a one-line ImageError. Their own messages
 * are terse ("unexpected end of file", "incorrect header check"), so the common ones are reworded to say what is
 * wrong with the input. (The layer scanner's own errors are such phrases already.)
 */

/** A short description of a stream failure, without stack or error class. */
export function describeStreamError(error: unknown): string {
  const err = error as NodeJS.ErrnoException & { code?: string };
  const message = err?.message ?? String(error);
  if (err?.code === 'Z_BUF_ERROR' || message === 'unexpected end of file') return 'truncated gzip stream';
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return `corrupt gzip stream (${message})`;
  if (err?.code === 'ENOENT') return 'file not found';
  return message;
}
