/**
 * Writing results: atomically (temp file in the same directory, then rename), so a failure never leaves a
 * partial file and a reader never sees half of one.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ScratchifyError } from '../errors';

export function writeFileAtomic(path: string, content: string | Buffer): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScratchifyError('io', `cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}
