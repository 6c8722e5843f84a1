/**
 * One node of the merged tree. A large image has 100k of them, built on the thread that merges while the other
 * cores hash layers, so a node is one object: its attributes are fields, its path is not stored (it follows
 * from the parent chain), and the `FileEntry` that readers see is made when first asked for. Two objects and a
 * path string per node cost a third more time in the merge and its garbage collection.
 */
import type { WalkNode } from './path-resolution';
import type { ContentLocation, FileEntry, FileType } from './types';

/** Attributes few nodes have, kept out of the common node. */
interface RareAttributes {
  xattrs?: Record<string, string>;
  devMajor?: number;
  devMinor?: number;
  hardlinks?: string[];
}

export class TreeNode implements WalkNode {
  children: Map<string, TreeNode> | undefined;
  /**
   * Where a regular file's bytes are: a number is the data offset in the stream of the layer that wrote the
   * node (`layer`), which is what almost every file has, held without an object of its own.
   */
  content: ContentLocation | number | undefined = undefined;
  /**
   * Shared by a file and its hardlinks, so the sibling list can be computed once the merge is done; given to a
   * file when the first hardlink to it is made.
   */
  inode: number | undefined = undefined;
  /** Symlink text, or a hardlink's target path. */
  linkTarget: string | undefined = undefined;
  rare: RareAttributes | undefined = undefined;
  private snapshot: FileEntry | undefined = undefined;

  constructor(
    /** The name in the parent directory; empty for the root. */
    readonly name: string,
    readonly parent: TreeNode | undefined,
    public type: FileType,
    /** Permission bits, file-type bits removed. */
    public mode: number,
    public uid: number,
    public gid: number,
    public size: number,
    public mtime: number,
    public layer: number,
  ) {
    this.children = type === 'dir' ? new Map() : undefined;
  }

  /** The absolute path, from the names up the parent chain. */
  get path(): string {
    if (!this.parent) return '/';
    const names: string[] = [];
    for (let node: TreeNode = this; node.parent; node = node.parent) names.push(node.name);
    return `/${names.reverse().join('/')}`;
  }

  /** What readers see; the same object until the node changes. */
  get entry(): FileEntry {
    return (this.snapshot ??= this.toEntry(this.path));
  }

  /** `entry`, for a caller that knows the node's path (a walk from the root) and so spares the parent chain. */
  entryAt(path: string): FileEntry {
    return (this.snapshot ??= this.toEntry(path));
  }

  /** Attribute changes after a reader may have seen the entry: the next `entry` is a new object. */
  changed(): void {
    this.snapshot = undefined;
  }

  /** Where the node's bytes are, if it has any. */
  location(): ContentLocation | undefined {
    const { content } = this;
    return typeof content === 'number' ? { kind: 'layer', layer: this.layer, offset: content } : content;
  }

  private toEntry(path: string): FileEntry {
    const entry: FileEntry = {
      path,
      type: this.type,
      mode: this.mode,
      uid: this.uid,
      gid: this.gid,
      size: this.size,
      mtime: this.mtime,
      layer: this.layer,
    };
    const rare = this.rare;
    if (rare?.xattrs) entry.xattrs = rare.xattrs;
    if (this.linkTarget !== undefined) entry.linkTarget = this.linkTarget;
    if (rare?.devMajor !== undefined) {
      entry.devMajor = rare.devMajor;
      entry.devMinor = rare.devMinor;
    }
    if (rare?.hardlinks) entry.hardlinks = rare.hardlinks;
    return entry;
  }
}
