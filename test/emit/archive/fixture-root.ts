/**
 * A small root filesystem on the host with the cases a layer writer must get right: owners and odd modes,
 * setuid and sticky bits, relative and absolute symlinks, hard links (one whose first name sorts after the
 * other), a name longer than ustar holds, a non-ASCII name, and files big enough to span read batches.
 * The kept list for it is written by hand, as the analyzer would produce it.
 */
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KeptPath } from '../../../src/analyze/types';
import type { FileType } from '../../../src/tree/types';

export const LONG_DIR = `/opt/${'d'.repeat(60)}/${'e'.repeat(60)}`;
export const LONG_FILE = `${LONG_DIR}/${'f'.repeat(40)}.txt`;
export const UNICODE_FILE = '/srv/app/données-ü.txt';

/** Contents of every regular file of the fixture, by image path. */
export const CONTENTS: Record<string, Buffer> = {
  '/usr/bin/tool': Buffer.from('#!/bin/sh\necho tool\n'),
  '/usr/bin/su-helper': Buffer.from('setuid program'),
  '/srv/app/config.ini': Buffer.from('x=1\n'),
  '/srv/app/secret': Buffer.from('no permissions at all'),
  '/srv/app/big-1.bin': Buffer.alloc(3000, 1),
  '/srv/app/big-2.bin': Buffer.alloc(5000, 2),
  '/srv/app/z-original': Buffer.from('shared content'),
  '/srv/app/orphan-target': Buffer.from('the link target is not kept'),
  [LONG_FILE]: Buffer.from('long name'),
  [UNICODE_FILE]: Buffer.from('unicode name'),
  '/usr/share/doc/unused.txt': Buffer.from('not kept'),
};

/** Builds the fixture under a fresh temporary directory and returns the directory. */
export function makeFixtureRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-archive-'));
  const host = (path: string) => join(root, path);
  for (const [path, content] of Object.entries(CONTENTS)) {
    mkdirSync(dirname(host(path)), { recursive: true });
    writeFileSync(host(path), content);
  }
  chmodSync(host('/usr/bin/tool'), 0o755);
  chmodSync(host('/usr/bin/su-helper'), 0o4755);
  chmodSync(host('/srv/app/secret'), 0o000);
  chownSync(host('/srv/app/config.ini'), 1000, 1001);
  chownSync(host('/srv/app'), 1000, 1001);
  chmodSync(host('/srv/app'), 0o750);
  mkdirSync(host('/tmp'));
  chmodSync(host('/tmp'), 0o1777);
  symlinkSync('usr/bin', host('/bin'));
  symlinkSync('/srv/app/config.ini', host('/srv/app/config-link'));
  linkSync(host('/srv/app/z-original'), host('/srv/app/a-second-name'));
  linkSync(host('/srv/app/orphan-target'), host('/srv/app/orphan-link'));
  return root;
}

/** A kept entry with the metadata the fixture gives `path` (as the analyzer copies it from the tree). */
export function keptEntry(path: string, type: FileType, mode: number, uid = 0, gid = 0, linkTarget?: string): KeptPath {
  const size = type === 'file' || type === 'hardlink' ? (CONTENTS[linkTarget ?? path] ?? CONTENTS[path] ?? Buffer.alloc(0)).length : 0;
  const entry: KeptPath = { path, type, size, mode, uid, gid, reasons: [{ rule: 'test', detail: 'fixture' }] };
  if (linkTarget !== undefined) entry.linkTarget = linkTarget;
  return entry;
}

/**
 * What the analyzer would keep of the fixture. Parents of the long path are left out on purpose (the writer
 * adds them from the tree); `/usr/share/doc/unused.txt` is not kept; `a-second-name` is a hardlink to
 * `z-original` (its target sorts after it), and `orphan-link` is a hardlink whose target is not kept.
 */
export function fixtureKept(): KeptPath[] {
  return [
    keptEntry('/bin', 'symlink', 0o777, 0, 0, 'usr/bin'),
    keptEntry('/opt', 'dir', 0o755),
    keptEntry(LONG_FILE, 'file', 0o644),
    keptEntry('/srv', 'dir', 0o755),
    keptEntry('/srv/app', 'dir', 0o750, 1000, 1001),
    keptEntry('/srv/app/a-second-name', 'hardlink', 0o644, 0, 0, '/srv/app/z-original'),
    keptEntry('/srv/app/big-1.bin', 'file', 0o644),
    keptEntry('/srv/app/big-2.bin', 'file', 0o644),
    keptEntry('/srv/app/config-link', 'symlink', 0o777, 0, 0, '/srv/app/config.ini'),
    keptEntry('/srv/app/config.ini', 'file', 0o644, 1000, 1001),
    keptEntry(UNICODE_FILE, 'file', 0o644),
    keptEntry('/srv/app/orphan-link', 'hardlink', 0o644, 0, 0, '/srv/app/orphan-target'),
    keptEntry('/srv/app/secret', 'file', 0o000),
    keptEntry('/srv/app/z-original', 'file', 0o644),
    keptEntry('/tmp', 'dir', 0o1777),
    keptEntry('/usr', 'dir', 0o755),
    keptEntry('/usr/bin', 'dir', 0o755),
    keptEntry('/usr/bin/su-helper', 'file', 0o4755),
    keptEntry('/usr/bin/tool', 'file', 0o755),
  ];
}
