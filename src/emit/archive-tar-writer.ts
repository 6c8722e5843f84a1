/**
 * A tar file written entry by entry with tar-stream, hashed (sha256) and counted as it goes to disk. Both the
 * image layer and the outer archive (OCI layout or `docker load` tar) are written with it, so both get the
 * same deterministic headers: fixed mtime, numeric ids, no user or group names.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';

/** The entry kinds an image tar may hold (devices and sockets never reach a writer). */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'fifo';

/** One header, before tar-stream's encoding. `name` is relative (no leading `/`). */
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

// stat(2) file-type bits. tar-stream replaces a falsy mode with its 0644/0755 default, so a file whose
// permission bits are all zero (`/etc/gshadow` on some distributions is 0000) would gain permissions;
// passing the type bits along keeps the mode non-zero, and tar-stream masks them off (`mode & 0o7777`).
const TYPE_BITS: Record<TarEntryType, number> = {
  file: 0o100000,
  link: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  fifo: 0o010000,
};

// ustar stores ids as 7 octal digits, but tar-stream writes only 6 (`encodeOct(uid, 6)`), so anything above
// 0o777777 would be clamped; such ids go in a PAX record instead (POSIX pax `uid`/`gid` keywords).
const USTAR_ID_MAX = 0o777777;

/** Writes one tar file to `file` (created exclusively: the caller chose a fresh temporary name). */
export class TarFileWriter {
  private readonly pack = tar.pack();
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private readonly drained: Promise<void>;
  /** Rejects when writing to disk fails; raced against every entry, since a destroyed pack may never call back. */
  private readonly failed: Promise<never>;

  constructor(file: string, private readonly mtime: Date) {
    // A destroyed pack emits 'error'; the same error ends the drain loop below, which is where it is reported.
    this.pack.on('error', () => undefined);
    this.drained = this.drain(file);
    this.failed = new Promise<never>((_resolve, reject) => {
      this.drained.catch(reject);
    });
    // Observed by add() and finish(); without this a failure between entries would be an unhandled rejection.
    this.failed.catch(() => undefined);
  }

  private async drain(file: string): Promise<void> {
    const handle = await fs.promises.open(file, 'wx', 0o644);
    try {
      for await (const chunk of this.pack as AsyncIterable<Buffer>) {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        await handle.write(chunk);
      }
      await handle.sync();
    } catch (error) {
      this.pack.destroy(error as Error);
      throw error;
    } finally {
      await handle.close();
    }
  }

  private header(entry: TarEntryHeader, size: number): Partial<tar.Header> & { name: string; pax?: Record<string, string> } {
    const header: Partial<tar.Header> & { name: string; pax?: Record<string, string> } = {
      name: entry.name,
      type: entry.type,
      mode: TYPE_BITS[entry.type] | (entry.mode & 0o7777),
      uid: Math.min(entry.uid, USTAR_ID_MAX),
      gid: Math.min(entry.gid, USTAR_ID_MAX),
      mtime: this.mtime,
      size,
    };
    if (entry.linkname !== undefined) header.linkname = entry.linkname;
    const pax: Record<string, string> = {};
    if (entry.uid > USTAR_ID_MAX) pax.uid = String(entry.uid);
    if (entry.gid > USTAR_ID_MAX) pax.gid = String(entry.gid);
    for (const key of Object.keys(entry.xattrs ?? {}).sort()) pax[`SCHILY.xattr.${key}`] = (entry.xattrs as Record<string, string>)[key];
    // Only when needed: tar-stream itself falls back to PAX for names and link targets ustar cannot hold.
    if (Object.keys(pax).length > 0) header.pax = pax;
    return header;
  }

  /** Adds an entry; `content` is the whole body of a `file`. Resolves once tar-stream has taken it. */
  async add(entry: TarEntryHeader, content?: Buffer): Promise<void> {
    const header = this.header(entry, content?.length ?? 0);
    const taken = new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (content) this.pack.entry(header, content, done);
      else this.pack.entry(header, done);
    });
    await Promise.race([taken, this.failed]);
  }

  /** Adds a `file` whose `size` bytes come from a stream (a large blob that should not sit in memory). */
  async addStream(entry: TarEntryHeader, size: number, body: Readable): Promise<void> {
    const taken = new Promise<void>((resolve, reject) => {
      const sink = this.pack.entry(this.header(entry, size), (error?: Error | null) => (error ? reject(error) : resolve()));
      body.on('error', (error) => {
        sink.destroy(error);
        reject(error);
      });
      body.pipe(sink);
    });
    await Promise.race([taken, this.failed]);
  }

  /** Ends the archive and waits until it is on disk (fsynced). */
  async finish(): Promise<WrittenTar> {
    this.pack.finalize();
    await Promise.race([this.drained, this.failed]);
    return { digest: `sha256:${this.hash.digest('hex')}`, size: this.bytes };
  }

  /** Stops writing after a failure elsewhere; the caller removes the file. */
  async abort(error: Error): Promise<void> {
    this.pack.destroy(error);
    await this.drained.catch(() => undefined);
  }
}
