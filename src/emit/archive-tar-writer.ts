/**
 * A tar file written entry by entry, hashed (sha256) and counted as it goes to disk. Both the image layer and
 * the outer archive (OCI layout or `docker load` tar) are written with it, so both get the same deterministic
 * headers (src/image/tar-header.ts): fixed mtime, numeric ids, no user or group names, names and link targets
 * as the bytes they are in the image.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { nameBytes } from '../image/name-bytes';
import { BLOCK, entryHeaderBlocks, padded, TYPEFLAG } from '../image/tar-header';

/** The entry kinds an image tar may hold (devices and sockets never reach a writer). */
export type TarEntryType = keyof typeof TYPEFLAG;

/** One header. `name` is relative (no leading `/`); names, link targets and xattr values are names as name-bytes.ts holds them. */
export interface TarEntryHeader {
  name: string;
  type: TarEntryType;
  /** Permission bits including setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Symlink text, or the earlier entry's name for a hardlink. */
  linkname?: string;
  /** Content size; only for `file`. */
  size?: number;
  /** Extended attributes, written as PAX `SCHILY.xattr.*` records (the form Docker and containerd read). */
  xattrs?: Record<string, string>;
}

/** What a finished tar is: its sha256 (`sha256:<hex>`) and length in bytes. */
export interface WrittenTar {
  digest: string;
  size: number;
}

/** The end of an archive: two zero blocks. */
const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** Bytes gathered before a write to disk: a layer of small files would otherwise be two writes per file. */
const WRITE_BYTES = 1024 * 1024;

/**
 * Writes one tar file to `file`, which must exist and be empty (the output writer, src/output/, creates its
 * scratch files itself, so nothing here creates a file that a signal's cleanup could miss).
 */
export class TarFileWriter {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private readonly opened: Promise<fs.promises.FileHandle>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;

  constructor(file: string, private readonly mtime: Date) {
    this.opened = fs.promises.open(file, 'r+');
    // Observed by every write; without this a failed open before the first entry would be an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  private async write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    this.bytes += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    const handle = await this.opened;
    const pending = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (bytes === 0) return;
    const { bytesWritten } = await handle.writev(pending);
    // libuv retries short writes; one that stays short means the file system refused the rest.
    if (bytesWritten !== bytes) throw Object.assign(new Error(`wrote ${bytesWritten} of ${bytes} bytes`), { code: 'ENOSPC' });
  }

  private headers(entry: TarEntryHeader, size: number): Buffer {
    const xattrs = entry.xattrs ?? {};
    return entryHeaderBlocks({
      name: nameBytes(entry.name),
      typeflag: TYPEFLAG[entry.type],
      mode: entry.mode & 0o7777,
      uid: entry.uid,
      gid: entry.gid,
      size,
      mtime: Math.floor(this.mtime.getTime() / 1000),
      linkname: entry.linkname === undefined ? undefined : nameBytes(entry.linkname),
      records: Object.keys(xattrs)
        .sort()
        .map((key) => [nameBytes(`SCHILY.xattr.${key}`), nameBytes(xattrs[key])] as const),
    });
  }

  /** Adds an entry; `content` is the whole body of a `file`. */
  async add(entry: TarEntryHeader, content?: Buffer): Promise<void> {
    const size = content?.length ?? 0;
    await this.write(this.headers(entry, size));
    if (size === 0) return;
    await this.write(content as Buffer);
    await this.write(Buffer.alloc(padded(size) - size));
  }

  /** Adds a `file` whose `size` bytes come from a stream (a large blob that should not sit in memory). */
  async addStream(entry: TarEntryHeader, size: number, body: Readable): Promise<void> {
    await this.write(this.headers(entry, size));
    let written = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      written += chunk.length;
      if (written > size) break;
      await this.write(chunk);
    }
    if (written !== size) throw new Error(`${entry.name}: the stream held ${written > size ? 'more' : 'fewer'} than the ${size} bytes announced`);
    await this.write(Buffer.alloc(padded(size) - size));
  }

  /** Ends the archive and waits until it is on disk (fsynced). */
  async finish(): Promise<WrittenTar> {
    await this.write(END_OF_ARCHIVE);
    await this.flush();
    await (await this.opened).sync();
    await this.close();
    return { digest: `sha256:${this.hash.digest('hex')}`, size: this.bytes };
  }

  /** Stops writing after a failure elsewhere; the caller removes the file. */
  async abort(): Promise<void> {
    await this.close().catch(() => undefined);
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await (await this.opened).close();
  }
}
