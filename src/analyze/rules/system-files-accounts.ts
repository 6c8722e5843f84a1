/**
 * `/etc/passwd` and `/etc/group`, kept whole (they are a few hundred bytes; filtering them would change what
 * `getent` and `id` show for no real gain). `/etc/shadow` and `/etc/gshadow` are never kept: nothing a
 * container runs needs password hashes, and leaving them out is the point of a slim image.
 */
import type { AnalysisContext } from '../types';

/** Account databases, in the order glibc's `files` NSS service and musl's getpw* read them. */
export const ACCOUNT_FILES = ['/etc/passwd', '/etc/group'] as const;

/** Keeps /etc/passwd and /etc/group when the image has them; returns the ones it could not find. */
export function keepAccountFiles(context: AnalysisContext, by: string | undefined, detail: string): string[] {
  const missing: string[] = [];
  for (const path of ACCOUNT_FILES) {
    const rule = path === '/etc/passwd' ? 'passwd' : 'group';
    if (context.keep(path, { rule, by, detail }) === undefined) missing.push(path);
  }
  return missing;
}

/** A numeric `USER` (`1000`, `1000:1000`) needs no lookup; any name part does. */
export function userNeedsLookup(user: string): boolean {
  return user.split(':').some((part) => part !== '' && !/^\d+$/.test(part));
}
