/**
 * Rules about the image a program runs in (root user, distribution base, build tools) judge a base image's own Dockerfile
 * too, where the choice is the point: the images built on it set the user and pick what to copy. For such a
 * Dockerfile (see `DockerfileLintContext.baseImagePurpose`) they report at `info` unless the config sets their
 * severity; the `base-image` config preset turns them off.
 */
import type { DockerfileLintContext, Severity } from '../../types';

/** The severity a final-image rule reports at for this Dockerfile, and the words that say why. */
export function baseImageNote(context: DockerfileLintContext): { defaultSeverity?: Severity; note: string } {
  if (context.baseImagePurpose === undefined) return { note: '' };
  return { defaultSeverity: 'info', note: ` (info: this Dockerfile looks like it builds a base image, since ${context.baseImagePurpose})` };
}
