/**
 * The merged file system of an image, kept as metadata only: layers are applied in order (OCI image-spec
 * `layer.md`, containerd `archive/tar.go` semantics) and each regular file remembers where its bytes are, so
 * content is read again only when asked for. Nothing here touches a host path named by the image.
 */
import { ImageError } from '../errors';
import { joinPath, splitPath, walk } from './path-resolution';
import { LayerWasteRecorder, type LayerWaste } from './layer-waste';
import { TreeNode } from './tree-node';
import type { ContentLocation, ContentReader, ContentRequest, FileEntry, FileTree, LayerEntry, RangeRequest, Resolution } from './types';
import { AUFS_HARDLINK_DIR, WHITEOUT_PREFIX, classifyWhiteout } from './whiteouts';

/** Content of a regular file held aside (AUFS `.wh..wh.plnk`) only so hardlinks can point at it. */
interface HiddenFile {
  content: ContentLocation;
  size: number;
  inode: number;
}

/** A base name that names an ordinary entry: not empty, `.`, `..` or a whiteout, and no slash in it. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.startsWith(WHITEOUT_PREFIX);
}

/** A directory no entry of the layer described (the root, or a parent an entry implies). */
function newDirectory(name: string, parent: TreeNode | undefined, layer: number): TreeNode {
  return new TreeNode(name, parent, 'dir', 0o755, 0, 0, 0, 0, layer);
}

/** A merged image tree. Build it with `beginLayer`/`apply`, then `seal`; afterwards it is read-only. */
export class MergedTree implements FileTree {
  readonly warnings: string[] = [];
  private readonly root: TreeNode = newDirectory('', undefined, 0);
  private layer = 0;
  private nextInode = 1;
  private hiddenFiles = new Map<string, HiddenFile>();
  private sealed = false;
  private readonly waste = new LayerWasteRecorder();
  /** Regular files now in the tree and their bytes, kept up to date by every node made or detached. */
  private files = 0;
  private fileBytes = 0;
  /**
   * Every node made a hardlink and every node a hardlink was made to: only these can share an inode, so `seal`
   * groups them instead of every node of the tree. Some may have been replaced or removed since.
   */
  private readonly linkedNodes: TreeNode[] = [];
  /**
   * The directory the previous entry landed in, keyed by its raw name prefix (`usr/lib/`). Layer tars list
   * a directory's entries together, so most entries skip the resolution of their parent. The cache only
   * holds while no node is replaced or removed: adding a new name cannot change where an existing path leads.
   */
  private parentCache: { prefix: string; node: TreeNode } | undefined;

  /** `source` names the image in messages; `content` re-reads file bytes on demand. */
  constructor(
    private readonly content: ContentReader,
    readonly source = 'image',
  ) {}

  /** Starts applying layer `index` (0 = oldest). */
  beginLayer(index: number): void {
    this.layer = index;
    this.hiddenFiles = new Map();
    this.parentCache = undefined;
  }

  private warn(message: string): void {
    this.warnings.push(`layer ${this.layer + 1}: ${message}`);
  }

  /** Applies one layer entry to the merged tree. `item` is not kept: a reader may reuse it for the next entry. */
  apply(item: LayerEntry): void {
    if (this.sealed) throw new Error('MergedTree.apply after seal');
    const cache = this.parentCache;
    if (cache && item.name.startsWith(cache.prefix)) {
      const baseName = item.name.slice(cache.prefix.length);
      if (isPlainName(baseName)) {
        this.place(cache.node, baseName, item);
        return;
      }
    }
    const components = this.normalizeName(item.name);
    if (!components) return;
    if (components.length === 0) {
      // The layer's own `./` entry carries the root directory's attributes.
      if (item.type === 'dir') this.setAttributes(this.root, item);
      return;
    }
    if (components[0] === AUFS_HARDLINK_DIR) {
      if (item.type === 'file') {
        this.hiddenFiles.set(components.join('/'), {
          content: { kind: 'layer', layer: this.layer, offset: item.offset },
          size: item.size,
          inode: this.nextInode++,
        });
      }
      return;
    }
    const baseName = components[components.length - 1];
    const whiteout = classifyWhiteout(baseName);
    if (whiteout?.kind === 'aufs-metadata') return;
    if (whiteout?.kind === 'invalid') {
      this.warn(`invalid whiteout name ${JSON.stringify(item.name)} skipped`);
      return;
    }
    const parent = this.parentForWrite(components.slice(0, -1), item.name);
    if (!parent) return;
    const children = parent.children as Map<string, TreeNode>;
    if (whiteout) this.parentCache = undefined;

    if (whiteout?.kind === 'whiteout') {
      // A whiteout hides lower layers only; an entry of the same layer stays (spec: generators must not mix them).
      const victim = children.get(whiteout.target);
      if (victim && victim.layer < this.layer) {
        this.detach(victim, 'removed');
        children.delete(whiteout.target);
      }
      return;
    }
    if (whiteout?.kind === 'opaque') {
      this.hideLowerChildren(parent);
      return;
    }

    const replaced = this.place(parent, baseName, item);
    const slash = item.name.lastIndexOf('/');
    if (!replaced && slash > 0 && isPlainName(item.name.slice(slash + 1))) {
      this.parentCache = { prefix: item.name.slice(0, slash + 1), node: parent };
    }
  }

  /**
   * Puts an ordinary (non-whiteout) entry named `baseName` into `parent`; true when it replaced or removed a
   * node (a symlink crossed to reach `parent` may lead through that node, so the parent cache is dropped).
   */
  private place(parent: TreeNode, baseName: string, item: LayerEntry): boolean {
    const children = parent.children as Map<string, TreeNode>;
    const existing = children.get(baseName);
    if (existing && existing.type === 'dir' && item.type === 'dir') {
      // Directory over directory: new attributes, children kept (containerd archive/tar.go).
      this.setAttributes(existing, item);
      return false;
    }
    if (existing) {
      this.parentCache = undefined;
      this.detach(existing, 'replaced');
    }
    const node = this.makeNode(parent, baseName, item);
    if (node) children.set(baseName, node);
    else children.delete(baseName);
    return existing !== undefined;
  }

  /**
   * Tar names are relative to the layer root; leading `/` and `./` are stripped like Docker does, and `..`
   * is applied lexically. A name that climbs above the root is refused: extracting it would write outside.
   */
  private normalizeName(name: string): string[] | undefined {
    const out: string[] = [];
    for (const part of name.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (out.length === 0) {
          this.warn(`entry ${JSON.stringify(name)} escapes the image root; skipped`);
          return undefined;
        }
        out.pop();
        continue;
      }
      out.push(part);
    }
    return out;
  }

  /**
   * The directory an entry lands in. Like containerd (`fs.RootPath` on the parent) the parent is resolved
   * through symlinks already in the merged tree, so `lib/x.so` lands in `/usr/lib` when `/lib -> usr/lib`.
   * Missing parents are created as implicit directories.
   */
  private parentForWrite(components: string[], name: string): TreeNode | undefined {
    let result;
    try {
      result = walk<TreeNode>(this.root, joinPath(components), true);
    } catch (error) {
      this.warn(`parent of ${JSON.stringify(name)} cannot be resolved (${(error as Error).message}); skipped`);
      return undefined;
    }
    if (result.node) {
      if (result.node.type === 'dir') return result.node;
      this.warn(`parent of ${JSON.stringify(name)} is not a directory; skipped`);
      return undefined;
    }
    const stop = result.stop!;
    if (stop.reason === 'not-a-directory') {
      this.warn(`parent of ${JSON.stringify(name)} is not a directory; skipped`);
      return undefined;
    }
    let dir = stop.dir;
    const dirPath = [...stop.dirPath];
    for (const part of stop.rest) {
      if (part === '..') {
        // Nothing past the missing component exists, so `..` can only climb the directories just created.
        dirPath.pop();
        dir = walk<TreeNode>(this.root, joinPath(dirPath), false).node ?? this.root;
        continue;
      }
      let next = dir.children!.get(part);
      if (!next) {
        next = newDirectory(part, dir, this.layer);
        dir.children!.set(part, next);
      }
      dirPath.push(part);
      if (next.type !== 'dir') {
        this.warn(`parent of ${JSON.stringify(name)} is not a directory; skipped`);
        return undefined;
      }
      dir = next;
    }
    return dir;
  }

  /** Opaque directory: remove everything below `dir` that came from lower layers, keeping this layer's entries. */
  private hideLowerChildren(dir: TreeNode): void {
    for (const [name, child] of dir.children!) {
      if (child.children) this.hideLowerChildren(child);
      const keptChildren = child.children !== undefined && child.children.size > 0;
      if (child.layer < this.layer && !keptChildren) {
        if (!child.children) this.detach(child, 'removed');
        dir.children!.delete(name);
      }
    }
  }

  /**
   * Accounts for `node` and everything under it leaving the tree: the totals drop, and the bytes of files from
   * lower layers count as waste (the current layer made them unreachable).
   */
  private detach(node: TreeNode, how: 'removed' | 'replaced'): void {
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop() as TreeNode;
      if (current.children) stack.push(...current.children.values());
      // Hardlinks share a file's bytes and tar stores them once, with the file.
      if (current.type !== 'file') continue;
      this.files -= 1;
      this.fileBytes -= current.size;
      if (current.layer < this.layer) {
        this.waste.hidden({ path: current.path, bytes: current.size, writtenIn: current.layer, hiddenIn: this.layer, how });
      }
    }
  }

  fileTotals(): { files: number; bytes: number } {
    return { files: this.files, bytes: this.fileBytes };
  }

  /** Bytes written by one layer and removed or replaced by a later one (dive's "wasted space"). */
  layerWaste(): LayerWaste {
    return this.waste.summary();
  }

  private setAttributes(node: TreeNode, item: LayerEntry): void {
    node.mode = item.mode & 0o7777;
    node.uid = item.uid;
    node.gid = item.gid;
    node.mtime = item.mtime;
    node.layer = this.layer;
    if (item.xattrs) node.rare = { ...node.rare, xattrs: item.xattrs };
    node.changed();
  }

  private makeNode(parent: TreeNode, name: string, item: LayerEntry): TreeNode | undefined {
    const { type } = item;
    const node = new TreeNode(name, parent, type, item.mode & 0o7777, item.uid, item.gid, type === 'file' ? item.size : 0, item.mtime, this.layer);
    if (item.xattrs) node.rare = { xattrs: item.xattrs };
    switch (type) {
      case 'file':
        this.waste.written(item.size);
        this.files += 1;
        this.fileBytes += item.size;
        node.content = item.location ?? item.offset;
        return node;
      case 'symlink':
        node.linkTarget = item.linkName ?? '';
        return node;
      case 'hardlink':
        return this.makeHardlink(node, item);
      case 'char':
      case 'block':
        // A slim image never needs device nodes from the build (the runtime mounts /dev); keep them as metadata.
        this.warn(`device node ${node.path} kept as metadata only`);
        node.rare = { ...node.rare, devMajor: item.devMajor, devMinor: item.devMinor };
        return node;
      default:
        return node;
    }
  }

  /** Tar hardlink names are from the layer root; the target is looked up in this layer, then in the merged view. */
  private makeHardlink(node: TreeNode, item: LayerEntry): TreeNode | undefined {
    const targetParts = splitPath(item.linkName ?? '');
    if (targetParts.includes('..')) {
      this.warn(`hardlink ${node.path} -> ${JSON.stringify(item.linkName)} leaves the layer root; skipped`);
      return undefined;
    }
    const hidden = this.hiddenFiles.get(targetParts.join('/'));
    let target: { content?: ContentLocation; size: number; inode?: number; path: string } | undefined;
    let targetNode: TreeNode | undefined;
    if (hidden) {
      target = { ...hidden, path: joinPath(targetParts) };
    } else {
      // The target's own parent directories may be symlinks, as with any entry (containerd resolves them).
      const found = this.lookupForLink(targetParts);
      if (found && (found.type === 'file' || found.type === 'hardlink')) {
        found.inode ??= this.nextInode++;
        target = { content: found.location(), size: found.size, inode: found.inode, path: found.path };
        targetNode = found;
      }
    }
    node.linkTarget = target?.path ?? joinPath(targetParts);
    if (!target || !target.content) {
      this.warn(`hardlink ${node.path} -> ${node.linkTarget}: target is not a regular file in the image; kept as metadata only`);
      return node;
    }
    node.size = target.size;
    node.content = target.content;
    node.inode = target.inode;
    if (targetNode) this.linkedNodes.push(targetNode);
    this.linkedNodes.push(node);
    return node;
  }

  private lookupForLink(parts: string[]): TreeNode | undefined {
    try {
      return walk<TreeNode>(this.root, joinPath(parts), false).node;
    } catch {
      return undefined;
    }
  }

  /** Ends the merge: computes hardlink sibling lists. The tree is read-only afterwards. */
  seal(): this {
    if (this.sealed) return this;
    this.sealed = true;
    const byInode = new Map<number, Set<TreeNode>>();
    for (const node of this.linkedNodes) {
      // A node a later layer replaced or removed is no longer where its path leads.
      if (this.find(node.path) !== node) continue;
      const inode = node.inode as number;
      const group = byInode.get(inode);
      if (group) group.add(node);
      else byInode.set(inode, new Set([node]));
    }
    for (const group of byInode.values()) {
      if (group.size < 2) continue;
      for (const node of group) {
        node.rare = { ...node.rare, hardlinks: [...group].filter((other) => other !== node).map((other) => other.path).sort() };
        node.changed();
      }
    }
    return this;
  }

  /** Every node except the root with its path, parents before children, siblings sorted by name. */
  private *nodes(): Generator<[TreeNode, string]> {
    const stack: [TreeNode, string][] = [[this.root, '']];
    while (stack.length > 0) {
      const [node, path] = stack.pop() as [TreeNode, string];
      if (node !== this.root) yield [node, path];
      if (node.children) {
        const names = [...node.children.keys()].sort().reverse();
        for (const name of names) stack.push([node.children.get(name) as TreeNode, `${path}/${name}`]);
      }
    }
  }

  private find(path: string): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    const parts: string[] = [];
    for (const part of splitPath(path)) {
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    for (const part of parts) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  lstat(path: string): FileEntry | undefined {
    return this.find(path)?.entry;
  }

  resolve(path: string, options: { followFinal?: boolean } = {}): Resolution {
    const result = walk<TreeNode>(this.root, path, options.followFinal ?? true);
    const resolution: Resolution = { path: result.path, symlinks: result.symlinks };
    if (result.node) resolution.entry = result.node.entry;
    return resolution;
  }

  list(dir: string): string[] {
    const node = this.find(dir);
    return node?.children ? [...node.children.keys()].sort() : [];
  }

  /** Every entry except `/` itself, parents before children and siblings sorted (the order a tar needs). */
  *entries(): Iterable<FileEntry> {
    for (const [node, path] of this.nodes()) yield node.entryAt(path);
  }

  async readFile(path: string): Promise<Buffer> {
    return (await this.readFiles([path])).get(path) as Buffer;
  }

  async readFiles(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const buffers = await this.readRanges(paths.map((path) => ({ path, start: 0, size: Number.MAX_SAFE_INTEGER })));
    return new Map(paths.map((path, index) => [path, buffers[index]]));
  }

  async readRanges(ranges: readonly RangeRequest[]): Promise<Buffer[]> {
    const requests = ranges.map(({ path, start, size }): ContentRequest => {
      const node = walk<TreeNode>(this.root, path, true).node;
      if (!node) throw new ImageError(`${path}: no such file in the image`, { file: this.source });
      if (node.type !== 'file' && node.type !== 'hardlink') {
        throw new ImageError(`${path}: not a regular file (${node.type})`, { file: this.source });
      }
      const location = node.location();
      if (!location) throw new ImageError(`${path}: content is not in the image`, { file: this.source });
      const from = Math.min(Math.max(start, 0), node.size);
      return { location, start: from, size: Math.min(size, node.size - from) };
    });
    return this.content.read(requests);
  }
}
