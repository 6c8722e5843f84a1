/**
 * The materializer the oracles stand on: a tree written to a host directory must read back as the same tree,
 * and no image path may put anything outside the target.
 */
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileEntry, FileTree } from '../../src/tree/types';
import { HostDirectoryTree } from '../analyze/host-directory-tree';
import { hostPathOf, materialize, UnsafePathError } from '../support/materialize';
import { makeRoot } from '../support/small-root';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tmp = (label: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `scratchify-materialize-${label}-`));
  dirs.push(dir);
  return dir;
};

/** What matters of an entry for a round trip (mtimes of directories are set last; compared separately). */
const shape = (entry: FileEntry) => ({ path: entry.path, type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid, size: entry.size, linkTarget: entry.linkTarget });

describe('materialize', () => {
  test('a whole tree reads back identically: types, modes, owners, link texts and contents', async () => {
    const source = new HostDirectoryTree(makeRoot());
    const target = tmp('whole');
    const report = await materialize(source, target);
    const copy = new HostDirectoryTree(target);
    expect([...copy.entries()].filter((e) => e.path !== '/').map(shape)).toEqual([...source.entries()].filter((e) => e.path !== '/').map(shape));
    expect(report.skipped).toEqual([]);
    expect(readFileSync(join(target, 'usr/local/bin/start.sh'), 'utf8')).toMatch(/^#!\/bin\/sh\n/);
    expect(readlinkSync(join(target, 'usr/bin/sh'))).toBe('dash');
    // Trees carry whole seconds, as tar headers do.
    expect(Math.floor(statSync(join(target, 'usr/bin/true')).mtimeMs / 1000)).toBe(Math.floor(statSync(join(source.root, 'usr/bin/true')).mtimeMs / 1000));
  });

  test('a set of paths brings its parent directories and nothing else', async () => {
    const source = new HostDirectoryTree(makeRoot());
    const target = tmp('subset');
    await materialize(source, target, { paths: ['/usr/bin/sh', '/srv/app/config.ini'] });
    const written = [...new HostDirectoryTree(target).entries()].map((e) => e.path);
    expect(written).toEqual(['/srv', '/srv/app', '/srv/app/config.ini', '/usr', '/usr/bin', '/usr/bin/sh']);
    // The symlink is written as a link; its target is not part of the set.
    expect(lstatSync(join(target, 'usr/bin/sh')).isSymbolicLink()).toBe(true);
  });

  test('a hardlink becomes a link when its target is written, a copy otherwise', async () => {
    const source = new HostDirectoryTree(makeRoot());
    const base = [...source.entries()];
    const file = base.find((e) => e.path === '/usr/bin/env') as FileEntry;
    const link: FileEntry = { ...file, path: '/usr/bin/env-link', type: 'hardlink', linkTarget: '/usr/bin/env' };
    const tree: FileTree = {
      ...source,
      lstat: (path) => (path === link.path ? link : source.lstat(path)),
      resolve: (path, options) => source.resolve(path === link.path ? file.path : path, options),
      list: (dir) => source.list(dir),
      entries: () => [...base, link].sort((a, b) => (a.path < b.path ? -1 : 1)),
      fileTotals: () => source.fileTotals(),
      readFile: (path) => source.readFile(path === link.path ? file.path : path),
      readFiles: async (paths) => new Map(await Promise.all(paths.map(async (p) => [p, await source.readFile(p === link.path ? file.path : p)] as const))),
      warnings: [],
    };
    const both = tmp('hardlink-both');
    await materialize(tree, both);
    expect(statSync(join(both, 'usr/bin/env-link')).ino).toBe(statSync(join(both, 'usr/bin/env')).ino);
    const alone = tmp('hardlink-alone');
    const report = await materialize(tree, alone, { paths: [link.path] });
    expect(report.files).toBe(1);
    expect(readFileSync(join(alone, 'usr/bin/env-link'))).toEqual(readFileSync(join(source.root, 'usr/bin/env')));
  });

  test.each(['relative/path', '/a/../../etc/passwd', '/a/./b', '/a//b', '/a/b/', '/a\0b'])('refuses the image path %j', (path) => {
    expect(() => hostPathOf('/tmp/target', path)).toThrow(UnsafePathError);
  });

  test('never writes through a symlink the image placed where a directory is expected', async () => {
    const source = new HostDirectoryTree(makeRoot());
    const target = tmp('escape');
    // /lib is a symlink in the tree; an entry "inside" it must not be created through it.
    await expect(materialize(source, target, { paths: ['/lib/x86_64-linux-gnu/libc.so.6'] })).rejects.toThrow(UnsafePathError);
  });
});
