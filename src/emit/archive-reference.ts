/**
 * The name a written image is tagged with (`myapp:slim`), checked against the grammar of
 * distribution/reference (`reference.go`): `docker load` refuses a RepoTags entry that does not parse as a
 * named, tagged reference, and would do so only after the whole archive was written and copied.
 */
import { UsageError } from '../errors';

// distribution/reference regexp.go: path components are lowercase alphanumerics joined by `.`, `_`, `__` or
// runs of `-`; a domain component may hold uppercase; a tag is `[\w][\w.-]{0,127}`.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const NAME_MAX = 255;

/** A checked reference: `name:tag`, with `latest` filled in when no tag was given (as `docker tag` does). */
export function normalizeReference(reference: string): string {
  const fail = (why: string): never => {
    throw new UsageError(`invalid image reference ${JSON.stringify(reference)}: ${why}`);
  };
  if (reference.includes('@')) fail('a digest cannot name an image that is being written; give a tag');
  const lastSlash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const name = hasTag ? reference.slice(0, colon) : reference;
  const tag = hasTag ? reference.slice(colon + 1) : 'latest';
  if (!TAG.test(tag)) fail('the tag must be 1 to 128 of letters, digits, "_", "." and "-", not starting with "." or "-"');
  if (name.length === 0 || name.length > NAME_MAX) fail(`the name must be 1 to ${NAME_MAX} characters`);
  const components = name.split('/');
  // As in distribution/reference splitDomain: the first component is a registry when it looks like a host.
  const first = components[0];
  const isDomain = components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (isDomain && !DOMAIN.test(first)) fail(`${JSON.stringify(first)} is not a registry host`);
  for (const component of isDomain ? components.slice(1) : components) {
    if (!PATH_COMPONENT.test(component)) fail(`${JSON.stringify(component)} must be lowercase letters and digits, joined by ".", "_", "__" or "-"`);
  }
  return `${name}:${tag}`;
}
