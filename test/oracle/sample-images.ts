/**
 * The sample images the oracle suites check, built with the real engine and saved as `docker save` archives.
 *
 * Both oracle suites need the same six archives, and jest runs them in separate workers. Each suite builds
 * under its own tag (so one suite's cleanup never removes an image another is saving; the engine's build
 * cache makes the second build of a sample a cache hit), and the archive is stored once per image ID in the
 * tmp directory, written under a temporary name and renamed, so concurrent workers never read half a file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildImage, removeImage, saveImage, uniqueName } from '../support/docker';

export const SAMPLES_DIR = resolve(__dirname, '../../samples');

/** Every sample folder with a Dockerfile, sorted. */
export const SAMPLE_NAMES: string[] = readdirSync(SAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(SAMPLES_DIR, entry.name, 'Dockerfile')))
  .map((entry) => entry.name)
  .sort();

/** A cold build downloads Debian packages; a cached one takes seconds. */
export const SAMPLE_BUILD_TIMEOUT_MS = 15 * 60_000;

/** A built and saved sample. */
export interface SampleArchive {
  name: string;
  /** The `docker save` archive. */
  archive: string;
  /** The sample's Dockerfile, for the analyzer's application roots. */
  dockerfile: { text: string; file: string };
}

/** Builds sample `name` and returns its archive, reusing an archive of the same image ID if one exists. */
export async function sampleArchive(name: string): Promise<SampleArchive> {
  const context = join(SAMPLES_DIR, name);
  const tag = `${uniqueName(`oracle-${name}`)}:fat`;
  try {
    const built = await buildImage(context, tag, { timeoutMs: SAMPLE_BUILD_TIMEOUT_MS });
    const archive = join(tmpdir(), `scratchify-oracle-${name}-${built.id.replace(/^sha256:/, '').slice(0, 24)}.tar`);
    if (!existsSync(archive)) {
      const work = mkdtempSync(join(tmpdir(), 'scratchify-oracle-save-'));
      try {
        await saveImage(tag, join(work, 'image.tar'));
        renameSync(join(work, 'image.tar'), archive);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
    const file = join(context, 'Dockerfile');
    return { name, archive, dockerfile: { text: readFileSync(file, 'utf8'), file } };
  } finally {
    await removeImage(tag);
  }
}
