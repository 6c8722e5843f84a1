/**
 * In-root path resolution (runtime-deps.md §1.9): kernel semantics under chroot — absolute links restart at the
 * image root, `..` is taken after resolving, never lexically, `..` at `/` stays at `/`, 40 links at most.
 */
import { ImageError } from '../../src/errors';
import { MergedTree } from '../../src/tree/merged-tree';
import { MAX_SYMLINKS } from '../../src/tree/path-resolution';
import type { FileType, LayerEntry } from '../../src/tree/types';

const noContent = { read: async () => [] };

function tree(entries: Array<[string, FileType?, string?]>): MergedTree {
  const merged = new MergedTree(noContent, 'test');
  merged.beginLayer(0);
  for (const [name, type = 'file', linkName] of entries) {
    const entry: LayerEntry = { name, type, mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, offset: 0 };
    if (linkName !== undefined) entry.linkName = linkName;
    merged.apply(entry);
  }
  return merged.seal();
}

const usrmerge = tree([
  ['usr/bin/', 'dir'],
  ['usr/bin/sh'],
  ['usr/lib/', 'dir'],
  ['usr/lib/x86_64-linux-gnu/libc.so.6'],
  ['bin', 'symlink', 'usr/bin'],
  ['lib', 'symlink', 'usr/lib'],
  ['lib64', 'symlink', '/usr/lib'],
  ['etc/passwd'],
  ['rootlink', 'symlink', '/'],
  ['usr/lib/escape', 'symlink', '../../../../../../etc'],
  ['usr/lib/x86_64-linux-gnu/libc.so', 'symlink', 'libc.so.6'],
  ['loop/a', 'symlink', 'b'],
  ['loop/b', 'symlink', 'a'],
  ['self', 'symlink', 'self'],
  ['empty', 'symlink', ''],
  ['dangling', 'symlink', '/nowhere/file'],
]);

describe('resolve', () => {
  it('follows relative and absolute symlinks in directories and at the end, listing each link crossed', () => {
    expect(usrmerge.resolve('/lib/x86_64-linux-gnu/libc.so')).toMatchObject({
      path: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      symlinks: ['/lib', '/usr/lib/x86_64-linux-gnu/libc.so'],
      entry: { type: 'file' },
    });
    expect(usrmerge.resolve('/lib64/x86_64-linux-gnu/libc.so.6').symlinks).toEqual(['/lib64']);
  });

  it('does not follow the final symlink when asked not to (lstat semantics for the last component)', () => {
    expect(usrmerge.resolve('/lib/x86_64-linux-gnu/libc.so', { followFinal: false })).toMatchObject({
      path: '/usr/lib/x86_64-linux-gnu/libc.so',
      entry: { type: 'symlink', linkTarget: 'libc.so.6' },
      symlinks: ['/lib'],
    });
  });

  it('keeps an absolute symlink to / inside the image', () => {
    expect(usrmerge.resolve('/rootlink/rootlink/etc/passwd')).toMatchObject({ path: '/etc/passwd', symlinks: ['/rootlink', '/rootlink'] });
  });

  it('keeps ../../.. escapes at the image root, like the kernel in a chroot', () => {
    expect(usrmerge.resolve('/usr/lib/escape/passwd')).toMatchObject({ path: '/etc/passwd', entry: { type: 'file' } });
    expect(usrmerge.resolve('/../../../etc/passwd').path).toBe('/etc/passwd');
  });

  it('takes .. after resolving a symlinked directory, not lexically', () => {
    // bin -> usr/bin, so bin/.. is /usr, and /usr/lib exists; lexically it would be /lib (a symlink).
    expect(usrmerge.resolve('/bin/../lib/x86_64-linux-gnu/libc.so.6')).toMatchObject({
      path: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      symlinks: ['/bin'],
    });
  });

  it('throws ImageError on symlink loops', () => {
    expect(() => usrmerge.resolve('/loop/a')).toThrow(ImageError);
    expect(() => usrmerge.resolve('/self/x')).toThrow(/too many levels of symbolic links resolving \/self\/x/);
  });

  it('allows exactly 40 links in one lookup and refuses the 41st, like Linux MAXSYMLINKS', () => {
    const chain = (links: number): MergedTree =>
      tree([['target'], ...Array.from({ length: links }, (_, i): [string, FileType, string] => [`l${i}`, 'symlink', i === links - 1 ? 'target' : `l${i + 1}`])]);
    expect(MAX_SYMLINKS).toBe(40);
    expect(chain(40).resolve('/l0')).toMatchObject({ path: '/target', entry: { type: 'file' } });
    expect(chain(40).resolve('/l0').symlinks).toHaveLength(40);
    expect(() => chain(41).resolve('/l0')).toThrow(ImageError);
  });

  it('reports missing paths, dangling and empty links without an entry', () => {
    expect(usrmerge.resolve('/usr/bin/python3')).toEqual({ path: '/usr/bin/python3', symlinks: [] });
    expect(usrmerge.resolve('/dangling')).toEqual({ path: '/nowhere/file', symlinks: ['/dangling'] });
    expect(usrmerge.resolve('/empty').entry).toBeUndefined();
    expect(usrmerge.resolve('/etc/passwd/x').entry).toBeUndefined();
  });
});

describe('lstat and list', () => {
  it('never follows symlinks, not even in parent components', () => {
    expect(usrmerge.lstat('/bin')?.type).toBe('symlink');
    expect(usrmerge.lstat('/bin/sh')).toBeUndefined();
    expect(usrmerge.lstat('/usr/bin/sh')?.type).toBe('file');
    expect(usrmerge.list('/usr')).toEqual(['bin', 'lib']);
    expect(usrmerge.list('/bin')).toEqual([]);
  });
});
