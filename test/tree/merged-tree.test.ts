/**
 * Layer merge semantics (OCI image-spec layer.md, containerd archive/tar.go), driven entry by entry so each
 * rule is visible: name normalization, replacement, whiteouts, opaque directories, parent symlinks, hardlinks.
 */
import { MergedTree } from '../../src/tree/merged-tree';
import type { ContentReader, FileType, LayerEntry } from '../../src/tree/types';

/** Content reader that answers with the location it was asked for, so tests see where bytes would come from. */
const locationReader: ContentReader = {
  async read(requests) {
    return requests.map(({ location, size }) =>
      Buffer.from(location.kind === 'layer' ? `layer${location.layer}@${location.offset}+${size}` : location.path),
    );
  },
};

type Spec = [name: string, type?: FileType, extra?: Partial<LayerEntry>];

function build(layers: Spec[][]): MergedTree {
  const tree = new MergedTree(locationReader, 'test-image');
  layers.forEach((entries, index) => {
    tree.beginLayer(index);
    let offset = 512;
    for (const [name, type = 'file', extra = {}] of entries) {
      tree.apply({ name, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, size: type === 'file' ? 10 : 0, mtime: 0, offset, ...extra });
      offset += 1024;
    }
  });
  return tree.seal();
}

const paths = (tree: MergedTree): string[] => [...tree.entries()].map((entry) => entry.path);

describe('name normalization and safety', () => {
  it('strips leading / and ./ like Docker, applies inner .. lexically, creates implicit parents', () => {
    const tree = build([[['/etc/passwd'], ['./usr/bin/env'], ['opt/x/../y']]]);
    expect(paths(tree)).toEqual(['/etc', '/etc/passwd', '/opt', '/opt/y', '/usr', '/usr/bin', '/usr/bin/env']);
    expect(tree.lstat('/usr/bin')).toMatchObject({ type: 'dir', mode: 0o755, layer: 0 });
    expect(tree.warnings).toEqual([]);
  });

  it('skips names that climb above the root, with a warning', () => {
    const tree = build([[['../../etc/shadow'], ['a/../../evil'], ['ok']]]);
    expect(paths(tree)).toEqual(['/ok']);
    expect(tree.warnings).toHaveLength(2);
    expect(tree.warnings[0]).toMatch(/layer 1: entry "..\/..\/etc\/shadow" escapes the image root; skipped/);
  });

  it('keeps device nodes as metadata only, with a warning', () => {
    const tree = build([[['dev/null', 'char', { devMajor: 1, devMinor: 3 }], ['run/fifo', 'fifo']]]);
    expect(tree.lstat('/dev/null')).toMatchObject({ type: 'char', devMajor: 1, devMinor: 3, size: 0 });
    expect(tree.lstat('/run/fifo')?.type).toBe('fifo');
    expect(tree.warnings).toEqual(['layer 1: device node /dev/null kept as metadata only']);
  });

  it('takes the root directory attributes from a "./" entry', () => {
    const tree = build([[['./', 'dir', { mode: 0o700, uid: 5 }], ['x']]]);
    expect(tree.lstat('/')).toMatchObject({ type: 'dir', mode: 0o700, uid: 5 });
    expect(paths(tree)).toEqual(['/x']);
  });
});

describe('replacement', () => {
  it('a later entry replaces an earlier one and owns it', () => {
    const tree = build([[['etc/hosts', 'file', { uid: 1 }]], [['etc/hosts', 'file', { uid: 2, size: 3 }]]]);
    expect(tree.lstat('/etc/hosts')).toMatchObject({ uid: 2, size: 3, layer: 1 });
  });

  it('a non-directory over a directory removes its whole subtree', () => {
    const tree = build([[['opt/app/bin/run'], ['opt/app/lib/x']], [['opt/app', 'symlink', { linkName: '/srv' }]]]);
    expect(paths(tree)).toEqual(['/opt', '/opt/app']);
    expect(tree.lstat('/opt/app')).toMatchObject({ type: 'symlink', linkTarget: '/srv' });
  });

  it('a directory over a directory takes the new attributes and keeps the children', () => {
    const tree = build([[['var/lib/', 'dir'], ['var/lib/x']], [['var/lib', 'dir', { mode: 0o700, uid: 7 }]]]);
    expect(tree.lstat('/var/lib')).toMatchObject({ mode: 0o700, uid: 7, layer: 1 });
    expect(tree.list('/var/lib')).toEqual(['x']);
  });

  it('a directory over a file replaces the file', () => {
    const tree = build([[['data']], [['data/', 'dir'], ['data/in']]]);
    expect(tree.lstat('/data')?.type).toBe('dir');
    expect(tree.list('/data')).toEqual(['in']);
  });
});

describe('whiteouts', () => {
  it('.wh.NAME deletes a lower file or a whole lower subtree, and is itself hidden', () => {
    const tree = build([[['a/file'], ['a/dir/deep/x'], ['a/keep']], [['a/.wh.file'], ['a/.wh.dir']]]);
    expect(paths(tree)).toEqual(['/a', '/a/keep']);
  });

  it('a whiteout hides lower layers only, never an entry of its own layer', () => {
    const tree = build([[['a/x']], [['a/x', 'file', { uid: 9 }], ['a/.wh.x']]]);
    expect(tree.lstat('/a/x')).toMatchObject({ uid: 9, layer: 1 });
  });

  it('an opaque directory hides every lower child, nested ones too, wherever the marker is in the layer', () => {
    const before = build([[['d/old1'], ['d/sub/old2'], ['d/sub/deeper/old3']], [['d/new'], ['d/sub/new2'], ['d/.wh..wh..opq']]]);
    const after = build([[['d/old1'], ['d/sub/old2'], ['d/sub/deeper/old3']], [['d/.wh..wh..opq'], ['d/new'], ['d/sub/new2']]]);
    for (const tree of [before, after]) {
      expect(paths(tree)).toEqual(['/d', '/d/new', '/d/sub', '/d/sub/new2']);
    }
  });

  it('ignores AUFS metadata names and warns about an empty whiteout', () => {
    const tree = build([[['x']], [['.wh..wh.aufs'], ['.wh..wh.orph/'], ['.wh.']]]);
    expect(paths(tree)).toEqual(['/x']);
    expect(tree.warnings).toEqual(['layer 2: invalid whiteout name ".wh." skipped']);
  });
});

describe('parent symlinks', () => {
  it('resolves an entry parent through lower symlinks (usrmerge), like containerd', () => {
    const tree = build([[['usr/lib/', 'dir'], ['lib', 'symlink', { linkName: 'usr/lib' }]], [['lib/x86_64-linux-gnu/libc.so.6']]]);
    expect(tree.lstat('/usr/lib/x86_64-linux-gnu/libc.so.6')?.layer).toBe(1);
    expect(tree.lstat('/lib')?.type).toBe('symlink');
  });

  it('keeps a parent symlink that points outside the root inside it', () => {
    const tree = build([[['evil', 'symlink', { linkName: '../../../../tmp' }]], [['evil/planted']]]);
    expect(tree.lstat('/tmp/planted')?.type).toBe('file');
  });

  it('applies whiteouts through parent symlinks too', () => {
    const tree = build([[['usr/lib/a'], ['lib', 'symlink', { linkName: '/usr/lib' }]], [['lib/.wh.a']]]);
    expect(tree.lstat('/usr/lib/a')).toBeUndefined();
  });

  it('skips an entry whose parent is a regular file, with a warning', () => {
    const tree = build([[['f'], ['f/child']]]);
    expect(paths(tree)).toEqual(['/f']);
    expect(tree.warnings[0]).toMatch(/parent of "f\/child" is not a directory/);
  });
});

describe('hardlinks', () => {
  it('shares the target content and lists the siblings', async () => {
    const tree = build([[['bin/a', 'file', { size: 5 }], ['bin/b', 'hardlink', { linkName: 'bin/a' }]]]);
    expect(tree.lstat('/bin/b')).toMatchObject({ type: 'hardlink', linkTarget: '/bin/a', size: 5, hardlinks: ['/bin/a'] });
    expect((await tree.readFile('/bin/b')).toString()).toBe('layer0@512+5');
  });

  it('keeps reading the shared bytes after the target path is deleted by a later layer', async () => {
    const tree = build([[['a'], ['b', 'hardlink', { linkName: 'a' }]], [['.wh.a']]]);
    expect(tree.lstat('/a')).toBeUndefined();
    expect(tree.lstat('/b')?.hardlinks).toBeUndefined();
    expect((await tree.readFile('/b')).toString()).toBe('layer0@512+10');
  });

  it('follows AUFS .wh..wh.plnk targets without showing them', async () => {
    const tree = build([[['.wh..wh.plnk/1234.5'], ['usr/bin/perl', 'hardlink', { linkName: '.wh..wh.plnk/1234.5' }]]]);
    expect(paths(tree)).toEqual(['/usr', '/usr/bin', '/usr/bin/perl']);
    expect((await tree.readFile('/usr/bin/perl')).toString()).toBe('layer0@512+10');
  });

  it('keeps a dangling or escaping hardlink as metadata only, with a warning', async () => {
    const tree = build([[['x', 'hardlink', { linkName: 'missing' }], ['y', 'hardlink', { linkName: '../etc/passwd' }]]]);
    expect(tree.lstat('/x')).toMatchObject({ type: 'hardlink', linkTarget: '/missing' });
    expect(tree.lstat('/y')).toBeUndefined();
    expect(tree.warnings).toHaveLength(2);
    await expect(tree.readFile('/x')).rejects.toThrow(/content is not in the image/);
  });
});

describe('reading', () => {
  it('batches reads and follows symlinks to the file', async () => {
    const tree = build([[['usr/bin/python3.11'], ['usr/bin/python3', 'symlink', { linkName: 'python3.11' }]], [['etc/os-release']]]);
    const files = await tree.readFiles(['/usr/bin/python3', '/etc/os-release']);
    expect(files.get('/usr/bin/python3')?.toString()).toBe('layer0@512+10');
    expect(files.get('/etc/os-release')?.toString()).toBe('layer1@512+10');
  });
});

describe('layer waste (bytes a later layer hides)', () => {
  it('counts files removed by a whiteout, replaced by a later layer, or hidden by an opaque directory', () => {
    const tree = build([
      [['big', 'file', { size: 1000 }], ['cache', 'dir'], ['cache/a', 'file', { size: 200 }], ['cache/b', 'file', { size: 300 }], ['keep', 'file', { size: 7 }], ['opq', 'dir'], ['opq/old', 'file', { size: 40 }]],
      [['.wh.big', 'file'], ['cache', 'file', { size: 5 }], ['opq/.wh..wh..opq', 'file'], ['opq/new', 'file', { size: 1 }]],
    ]);
    const waste = tree.layerWaste();
    expect(waste.writtenBytes).toBe(1000 + 200 + 300 + 7 + 40 + 5 + 1);
    expect(waste.wastedBytes).toBe(1000 + 200 + 300 + 40);
    expect(waste.wastedFiles).toBe(4);
    expect(waste.largest[0]).toEqual({ path: '/big', bytes: 1000, writtenIn: 0, hiddenIn: 1, how: 'removed' });
    expect(waste.largest.map((file) => file.path)).toEqual(['/big', '/cache/b', '/cache/a', '/opq/old']);
    expect(waste.largest.find((file) => file.path === '/cache/a')?.how).toBe('replaced');
  });

  it('counts nothing for directory-over-directory, same-layer entries or hardlinks', () => {
    const tree = build([
      [['d', 'dir'], ['d/f', 'file', { size: 10 }], ['d/f', 'file', { size: 20 }], ['link', 'hardlink', { linkName: 'd/f' }]],
      [['d', 'dir', { mode: 0o700 }], ['d/g', 'file', { size: 1 }]],
    ]);
    expect(tree.layerWaste()).toMatchObject({ wastedBytes: 0, wastedFiles: 0, largest: [] });
  });
});

describe('file totals', () => {
  /** What the totals must equal: a walk over the finished tree. */
  function walkedTotals(tree: MergedTree): { files: number; bytes: number } {
    const files = [...tree.entries()].filter((entry) => entry.type === 'file');
    return { files: files.length, bytes: files.reduce((sum, entry) => sum + entry.size, 0) };
  }

  it('follow whiteouts, replacements in the same and later layers, opaque directories and directories replaced by files', () => {
    const tree = build([
      [['big', 'file', { size: 1000 }], ['cache', 'dir'], ['cache/a', 'file', { size: 200 }], ['cache/b', 'file', { size: 300 }], ['same', 'file', { size: 3 }], ['same', 'file', { size: 4 }]],
      [['opq', 'dir'], ['opq/old', 'file', { size: 40 }], ['link', 'hardlink', { linkName: 'same' }], ['gone', 'file', { size: 9 }]],
      [['.wh.big', 'file'], ['cache', 'file', { size: 5 }], ['opq/.wh..wh..opq', 'file'], ['opq/new', 'file', { size: 1 }], ['.wh.gone', 'file']],
    ]);
    expect(tree.fileTotals()).toEqual({ files: 3, bytes: 4 + 5 + 1 });
    expect(tree.fileTotals()).toEqual(walkedTotals(tree));
  });
});
