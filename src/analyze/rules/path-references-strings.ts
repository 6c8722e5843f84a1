/**
 * Absolute paths written inside files: C string literals in programs (`/etc/nginx/nginx.conf`,
 * `/var/lib/nginx/body`), Go string data (not NUL-terminated: literals sit back to back, so
 * `/etc/hosts/etc/resolv.conf` is two paths), and paths in config files and scripts.
 */

/** Characters of a path component as they appear in compiled-in paths and config values. */
const PATH_RUN = /\/[A-Za-z0-9_.+@,=~-]+(?:\/[A-Za-z0-9_.+@,=~-]*)*/g;

/** Paths the runtime provides or that never belong in an image: kernel file systems, devices. */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** Whether a path lives on a file system the container runtime mounts (never copied into an image). */
export function isVirtualPath(path: string): boolean {
  return VIRTUAL_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

/**
 * Runs of path characters that start with `/` and have at least two characters after it. The start must not
 * be glued to a word character (`a/b` is a relative path); after `:` it may (`PATH=/usr/bin:/bin`) unless
 * it is the `//` of a URL.
 */
export function absolutePathRuns(text: string): string[] {
  const runs: string[] = [];
  for (const match of text.matchAll(PATH_RUN)) {
    const start = match.index ?? 0;
    const before = start > 0 ? text[start - 1] : '';
    if (before !== '' && /[A-Za-z0-9_./-]/.test(before)) continue;
    if (before === ':' && match[0].startsWith('//')) continue;
    const run = match[0].replace(/\/{2,}/g, '/');
    if (run.length >= 3) runs.push(run);
  }
  return runs;
}

/** Printable text of a binary: bytes outside 0x20–0x7e become NUL, so no run spans two C strings. */
export function printableText(content: Buffer): string {
  const bytes = Buffer.from(content);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) bytes[i] = 0;
  return bytes.toString('latin1');
}

/** Lines of a config file or script without comment lines (`#`, `;`, `//`): commented-out paths are not used. */
export function uncommentedText(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(#|;|\/\/)/.test(line))
    .join('\n');
}
