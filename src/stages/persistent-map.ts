/**
 * Immutable collections for the state a stage inherits from the stage it is built FROM. Each stage starts
 * from its parent's final ARGs, ENVs, config and copies, then adds its own. Copying that state per stage is
 * quadratic in a chain of stages (10k stages, each `FROM` the one before and adding an ENV, copy 50 million
 * entries); these share everything the child does not change, so inheriting costs O(1) and each change
 * O(log n).
 */

/** 32-bit FNV-1a over UTF-16 code units: spreads the short names used as keys well enough. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function bitCount(value: number): number {
  let bits = value - ((value >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

interface Entry<V> {
  kind: 'entry';
  hash: number;
  key: string;
  value: V;
  /** When the key was first set in this lineage: iteration follows it, as a Map's or object's does. */
  order: number;
}

/** Entries whose hashes are equal in every bit. */
interface Collision<V> {
  kind: 'collision';
  hash: number;
  entries: Entry<V>[];
}

/** A node of the hash array mapped trie: one child per 5-bit slice of the hash present in `bitmap`. */
interface Branch<V> {
  kind: 'branch';
  bitmap: number;
  children: TrieNode<V>[];
}

type TrieNode<V> = Entry<V> | Collision<V> | Branch<V>;

const BITS = 5;
const EMPTY_BRANCH: Branch<never> = { kind: 'branch', bitmap: 0, children: [] };

/** Orders handed out to new keys; shared by all maps, so any order is later than its parent's. */
let nextOrder = 0;

function withChild<V>(branch: Branch<V>, bit: number, child: TrieNode<V>): Branch<V> {
  const slot = bitCount(branch.bitmap & (bit - 1));
  const children = branch.children.slice();
  if (branch.bitmap & bit) children[slot] = child;
  else children.splice(slot, 0, child);
  return { kind: 'branch', bitmap: branch.bitmap | bit, children };
}

/** A branch (or a collision, when the hashes are equal) holding two entries with different keys. */
function pair<V>(first: Entry<V>, second: Entry<V>, shift: number): TrieNode<V> {
  if (first.hash === second.hash) return { kind: 'collision', hash: first.hash, entries: [first, second] };
  const firstBit = 1 << ((first.hash >>> shift) & 31);
  const secondBit = 1 << ((second.hash >>> shift) & 31);
  if (firstBit === secondBit) return { kind: 'branch', bitmap: firstBit, children: [pair(first, second, shift + BITS)] };
  // Children sit in bit order; `1 << 31` is negative, so compare the bits unsigned.
  const children = firstBit >>> 0 < secondBit >>> 0 ? [first, second] : [second, first];
  return { kind: 'branch', bitmap: firstBit | secondBit, children };
}

/** `node` with `entry` put in; the depth is bounded by the hash width (7 levels), not by the input. */
function insert<V>(node: TrieNode<V>, entry: Entry<V>, shift: number): TrieNode<V> {
  if (node.kind === 'entry') {
    if (node.key === entry.key) return { ...entry, order: node.order };
    return pair(node, entry, shift);
  }
  if (node.kind === 'collision') {
    if (node.hash !== entry.hash) return insert({ kind: 'branch', bitmap: 1 << ((node.hash >>> shift) & 31), children: [node] }, entry, shift);
    const existing = node.entries.findIndex((candidate) => candidate.key === entry.key);
    const entries = node.entries.slice();
    if (existing < 0) entries.push(entry);
    else entries[existing] = { ...entry, order: entries[existing].order };
    return { kind: 'collision', hash: node.hash, entries };
  }
  const bit = 1 << ((entry.hash >>> shift) & 31);
  if (!(node.bitmap & bit)) return withChild(node, bit, entry);
  const child = node.children[bitCount(node.bitmap & (bit - 1))];
  return withChild(node, bit, insert(child, entry, shift + BITS));
}

/** An immutable map from strings, iterated in the order keys were first set. */
export class PersistentMap<V> {
  private constructor(
    private readonly root: TrieNode<V>,
    readonly size: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(EMPTY_BRANCH, 0);
  }

  static from<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    let map = PersistentMap.empty<V>();
    for (const [key, value] of entries) map = map.set(key, value);
    return map;
  }

  has(key: string): boolean {
    return this.find(key) !== undefined;
  }

  get(key: string): V | undefined {
    return this.find(key)?.value;
  }

  /** A map with `key` set to `value`; a key already present keeps its place in the order. */
  set(key: string, value: V): PersistentMap<V> {
    const hash = hashKey(key);
    const present = this.find(key) !== undefined;
    const root = insert(this.root, { kind: 'entry', hash, key, value, order: nextOrder++ }, 0);
    return new PersistentMap(root, present ? this.size : this.size + 1);
  }

  /** `[key, value]` pairs in the order keys were first set. */
  entries(): [string, V][] {
    const found: Entry<V>[] = [];
    const pending: TrieNode<V>[] = [this.root];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (node.kind === 'entry') found.push(node);
      else if (node.kind === 'collision') found.push(...node.entries);
      else pending.push(...node.children);
    }
    return found.sort((a, b) => a.order - b.order).map((entry) => [entry.key, entry.value]);
  }

  keys(): string[] {
    return this.entries().map(([key]) => key);
  }

  private find(key: string): Entry<V> | undefined {
    const hash = hashKey(key);
    let node: TrieNode<V> = this.root;
    for (let shift = 0; ; shift += BITS) {
      if (node.kind === 'entry') return node.key === key ? node : undefined;
      if (node.kind === 'collision') return node.entries.find((entry) => entry.key === key);
      const bit = 1 << ((hash >>> shift) & 31);
      if (!(node.bitmap & bit)) return undefined;
      node = node.children[bitCount(node.bitmap & (bit - 1))];
    }
  }
}

/** An immutable list that grows at its end: appending shares everything before. */
export class PersistentList<T> {
  private constructor(
    private readonly last: { value: T; before: PersistentList<T> } | undefined,
    readonly length: number,
  ) {}

  static empty<T>(): PersistentList<T> {
    return new PersistentList<T>(undefined, 0);
  }

  append(value: T): PersistentList<T> {
    return new PersistentList({ value, before: this }, this.length + 1);
  }

  toArray(): T[] {
    const values = new Array<T>(this.length);
    let list: PersistentList<T> = this;
    for (let index = this.length - 1; index >= 0; index--) {
      values[index] = list.last!.value;
      list = list.last!.before;
    }
    return values;
  }
}
