/**
 * Getting an image into the engine so it can be run: an existing reference is checked, an archive is loaded.
 * Loading changes the engine's state, so it is undone at the end of the run: an image that was not there before
 * is removed, a tag the archive carried that was not there before is removed, and a tag that pointed at another
 * image is put back. The image is then run by its ID, never by a tag someone else might move.
 */
import { ScratchifyError } from '../errors';
import type { ContainerSession } from './session';

/** The image ID (hex) of `reference` in the engine; an error when the engine has no such image. */
export async function requireImage(session: ContainerSession, reference: string): Promise<string> {
  const inspected = await session.runtime.inspectImage(reference);
  const id = typeof inspected?.Id === 'string' ? inspected.Id.replace(/^sha256:/, '') : undefined;
  if (!id) throw new ScratchifyError('engine', `${session.runtime.name} has no image ${reference}`);
  return id;
}

/** Loads a `docker save` archive for this run; returns the image ID to run. */
export async function loadImageArchive(session: ContainerSession, archive: string): Promise<string> {
  const runtime = session.runtime;
  const idsBefore = await runtime.imageIds();
  const tagsBefore = await runtime.tags();
  const loaded = await runtime.load(archive);
  if (loaded.length === 0) throw new ScratchifyError('engine', `${runtime.name} load ${archive} reported no image`);
  const ids = new Set<string>();
  for (const item of loaded) ids.add(await requireImage(session, item));
  if (ids.size !== 1) throw new ScratchifyError('engine', `${archive} holds ${ids.size} images; give an archive of one image`);
  const [id] = ids;
  if (!idsBefore.has(id)) session.image(id);
  for (const reference of loaded) {
    if (/^(sha256:)?[0-9a-f]{64}$/.test(reference)) continue;
    const key = tagsBefore.has(reference) ? reference : [...tagsBefore.keys()].find((tag) => tag.endsWith(`/${reference}`)) ?? reference;
    const previous = tagsBefore.get(key);
    if (previous === undefined) session.image(reference);
    else if (previous !== id) await runtime.tag(previous, reference);
  }
  return id;
}
