/**
 * WORKDIR and COPY destinations made absolute the way BuildKit does for the stage's platform
 * (moby/buildkit util/system/path.go: `NormalizePath`, `NormalizeWorkdir`, `CheckSystemDriveAndRemoveDriveLetter`,
 * used by dockerfile2llb's `dispatchWorkdir` and `pathRelativeToWorkingDir`).
 *
 * On Linux a path is a POSIX path: `C:/build` is relative and lands at `<workdir>/C:/build`. On Windows
 * backslashes are separators, a drive letter is removed and must be `C:` (any other drive, a bare `C:` and
 * UNC paths are errors), and the image config's WorkingDir is written with backslashes (`\go\src`).
 */
import { posix } from 'node:path';

/** A path BuildKit refuses on this platform (only Windows refuses any). */
export class PlatformPathError extends Error {}

function toSlash(path: string, os: string): string {
  return os === 'windows' ? path.replace(/\\/g, '/') : path;
}

/** Go's path.Clean: `.` for the empty path, no trailing slash except for `/`. */
function clean(path: string): string {
  if (path === '') return '.';
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

/** `cleanPath` of path.go: Clean, keeping one trailing slash when asked and the path had one. */
function cleanPath(path: string, os: string, keepSlash: boolean): string {
  const slashed = toSlash(path, os);
  const cleaned = clean(slashed);
  return keepSlash && cleaned.length > 1 && slashed.endsWith('/') ? `${cleaned}/` : cleaned;
}

/** `CheckSystemDriveAndRemoveDriveLetter`: a no-op off Windows. */
function removeDriveLetter(path: string, os: string, keepSlash: boolean): string {
  if (os !== 'windows') return path;
  if (path.length === 2 && path[1] === ':') throw new PlatformPathError(`No relative path specified in ${JSON.stringify(path)}`);
  if (toSlash(path.slice(0, 2), os) === '//') throw new PlatformPathError('UNC paths are not supported');
  const colon = path.indexOf(':');
  if (colon === -1) return cleanPath(path, os, keepSlash);
  if (path.slice(0, colon).toLowerCase() !== 'c') throw new PlatformPathError('The specified path is not on the system drive (C:)');
  return cleanPath(path.slice(colon + 1), os, keepSlash);
}

/**
 * `NormalizePath(parent, path, os, keepSlash)`: absolute, forward slashes, drive letter removed, a relative
 * path joined to `parent` (`/` when unknown) and cleaned, the trailing `/` or `/.` kept when `keepSlash`. An
 * absolute Linux path is returned as written (BuildKit cleans only what it joins: `WORKDIR /app/` stays `/app/`).
 */
export function normalizePath(parent: string | undefined, path: string, os: string, keepSlash: boolean): string {
  const original = toSlash(path, os);
  let base = removeDriveLetter(toSlash(parent ?? '', os) || '/', os, keepSlash);
  if (!base.startsWith('/')) base = clean(posix.join('/', base));
  let result = removeDriveLetter(original === '' ? base : original, os, keepSlash);
  if (!result.startsWith('/')) result = clean(posix.join(base, result));
  if (keepSlash) {
    if (original.endsWith('/') && !result.endsWith('/')) result += '/';
    else if (original.endsWith('/.')) result = `${result === '/' ? '' : result}/.`;
  }
  return toSlash(result, os);
}

/** `NormalizeWorkdir`: the WorkingDir the image config records, with the platform's separators. */
export function normalizeWorkdir(current: string | undefined, path: string, os: string): string {
  const normalized = normalizePath(current, path, os, false);
  return os === 'windows' ? normalized.replace(/\//g, '\\') : normalized;
}

/**
 * dockerfile2llb's `pathRelativeToWorkingDir`, for COPY and ADD destinations: an absolute path from `/`, a
 * relative one from the working directory (`.` and the empty path meaning the directory itself, `./`), the
 * trailing `/` kept since it says the destination is a directory.
 */
export function pathRelativeToWorkdir(workdir: string | undefined, path: string, os: string): string {
  let stripped = removeDriveLetter(path, os, true);
  if (toSlash(stripped, os).startsWith('/')) return normalizePath('/', stripped, os, true);
  if (stripped === '.' || stripped === '') stripped = './';
  return normalizePath(workdir, stripped, os, true);
}
