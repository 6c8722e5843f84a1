/**
 * Turning the errors that zlib, tar-stream and fs raise into the short phrases of a one-line ImageError.
 * Their own messages are terse ("Unexpected end of data", "incorrect header check"), so the common ones are
 * reworded to say what is wrong with the input.
 */
import { TRUNCATED_TAR } from './tar-header';

/** A short description of a stream failure, without stack or error class. */
export function describeStreamError(error: unknown): string {
  const err = error as NodeJS.ErrnoException & { code?: string };
  const message = err?.message ?? String(error);
  if (message === 'Unexpected end of data') return TRUNCATED_TAR;
  if (/Invalid tar header/i.test(message)) return 'not a tar (invalid tar header)';
  if (err?.code === 'Z_BUF_ERROR' || message === 'unexpected end of file') return 'truncated gzip stream';
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return `corrupt gzip stream (${message})`;
  if (err?.code === 'ENOENT') return 'file not found';
  return message;
}
