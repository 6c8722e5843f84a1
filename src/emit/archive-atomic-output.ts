/**
 * All-or-nothing output: everything is written to fresh temporary files in the output's own directory (so the
 * final rename stays on one file system and is atomic), and only a complete archive is renamed into place.
 * On failure every temporary file is removed and an existing output is left as it was.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ScratchifyError, UsageError } from '../errors';

/** Where an archive will be written, with a way to name scratch files next to it. */
export interface AtomicOutput {
  /** Absolute output path. */
  readonly output: string;
  /** A new, unused path in the output's directory; removed by `writeAtomically` whatever happens. */
  scratchFile(label: string): string;
}

/**
 * Checks that `output` can be replaced by a regular file: its directory exists, and nothing but a regular
 * file is there. A directory, device or FIFO is refused rather than replaced (renaming over /dev/null as
 * root would remove the device), and so is a symlink, whose target the user may have meant.
 */
async function checkOutput(output: string): Promise<string> {
  const absolute = path.resolve(output);
  const directory = path.dirname(absolute);
  const dirStat = await fs.promises.stat(directory).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw new UsageError(`cannot write ${output}: ${directory} is not an existing directory`);
  const existing = await fs.promises.lstat(absolute).catch(() => undefined);
  if (existing && !existing.isFile()) throw new UsageError(`cannot write ${output}: it exists and is not a regular file`);
  return absolute;
}

/**
 * Runs `write`, which must put the finished archive at `into`; then renames it to the output. Returns what
 * `write` returned.
 */
export async function writeAtomically<T>(output: string, write: (into: string, scratch: AtomicOutput) => Promise<T>): Promise<T> {
  const absolute = await checkOutput(output);
  const directory = path.dirname(absolute);
  const stem = `.${path.basename(absolute)}.scratchify-${process.pid}-${randomBytes(6).toString('hex')}`;
  const scratchFiles: string[] = [];
  const scratch: AtomicOutput = {
    output: absolute,
    scratchFile(label: string): string {
      const file = path.join(directory, `${stem}.${label}`);
      scratchFiles.push(file);
      return file;
    },
  };
  const into = scratch.scratchFile('tmp');
  try {
    const result = await write(into, scratch);
    await fs.promises.rename(into, absolute);
    return result;
  } catch (error) {
    // File-system failures (ENOSPC, EACCES…) are the user's to fix; anything else is passed on as it is.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof ScratchifyError || typeof code !== 'string') throw error;
    throw new ScratchifyError('io', `cannot write ${output}: ${code}`, { file: output });
  } finally {
    await Promise.all(scratchFiles.map((file) => fs.promises.rm(file, { force: true })));
  }
}
