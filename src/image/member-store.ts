/**
 * Named files inside an image container: the members of a tar archive (`docker save`, an OCI archive) or the
 * files of a layout directory. Adapters read `manifest.json`, `index.json` and blobs through this one interface,
 * so the OCI walk is written once for both the directory and the tar form.
 *
 * A tar is indexed once with a streaming pass (member name → data offset and size); members are then opened by
 * random access with `fs.createReadStream({start, end})`. This is what makes Docker ≥ 25 archives readable in
 * one pass although their `manifest.json` comes after the blobs it names (reference runtime-deps.md §5.3).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { ImageError } from '../errors';
import { describeStreamError } from './stream-errors';

/** Small JSON members (manifests, configs, indexes) are read whole; nothing real comes near this bound. */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;

/** Read access to the named files of an archive or layout directory. */
export interface MemberStore {
  /** The archive or directory path, for messages. */
  readonly file: string;
  /** Size of a regular-file member, or undefined when there is none by that name. */
  size(name: string): number | undefined;
  /** Stream of a member's bytes, optionally a slice (inclusive `end`, like fs.createReadStream). */
  open(name: string, range?: { start: number; end: number }): Readable;
  /** A whole small member (JSON); throws ImageError when missing or implausibly large. */
  read(name: string): Promise<Buffer>;
}

async function collect(stream: Readable, file: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw new ImageError(`cannot read ${name}: ${describeStreamError(error)}`, { file });
  }
  return Buffer.concat(chunks);
}

/** Tar member names as written by Docker, containerd, skopeo or GNU tar: `./` prefixes and trailing `/` vary. */
function normalizeMemberName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
}

/** tar-stream 3 sets `byteOffset` (start of the entry's data in the stream) but its typings omit it. */
export type TarHeader = tar.Header & { byteOffset: number };

interface MemberLocation {
  offset: number;
  size: number;
}

/** The members of a plain (uncompressed) tar file, indexed once and then read by random access. */
export class TarMembers implements MemberStore {
  private constructor(
    readonly file: string,
    private readonly members: Map<string, MemberLocation>,
  ) {}

  /** Indexes `file` with one streaming pass that reads headers and skips data. */
  static async index(file: string): Promise<TarMembers> {
    await refuseCompressedArchive(file);
    const members = new Map<string, MemberLocation>();
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      if (header.type === 'file' || header.type === 'contiguous-file') {
        // A later member of the same name wins, as when the tar is extracted.
        members.set(normalizeMemberName(header.name), { offset: (header as TarHeader).byteOffset, size: header.size ?? 0 });
      }
      // The same failure reaches the extractor's own 'error'; the entry stream must not raise it unhandled.
      stream.on('error', () => undefined);
      stream.on('end', next);
      stream.resume();
    });
    await new Promise<void>((resolve, reject) => {
      const input = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
      const fail = (error: unknown): void => {
        input.destroy();
        reject(new ImageError(`not a readable tar archive: ${describeStreamError(error)}`, { file }));
      };
      input.on('error', fail);
      extract.on('error', fail);
      extract.on('finish', () => resolve());
      input.pipe(extract as unknown as NodeJS.WritableStream);
    });
    if (members.size === 0) throw new ImageError('not an image archive: the tar has no files', { file });
    return new TarMembers(file, members);
  }

  size(name: string): number | undefined {
    return this.members.get(name)?.size;
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  open(name: string, range?: { start: number; end: number }): Readable {
    const member = this.members.get(name);
    if (!member) throw new ImageError(`archive has no member ${name}`, { file: this.file });
    if (member.size === 0) return Readable.from([]);
    const start = member.offset + (range?.start ?? 0);
    const end = member.offset + Math.min(range?.end ?? member.size - 1, member.size - 1);
    if (end < start) return Readable.from([]);
    return fs.createReadStream(this.file, { start, end, highWaterMark: 1024 * 1024 });
  }

  async read(name: string): Promise<Buffer> {
    const size = this.size(name);
    if (size === undefined) throw new ImageError(`archive has no member ${name}`, { file: this.file });
    if (size > MAX_METADATA_BYTES) throw new ImageError(`${name} is too large to be image metadata`, { file: this.file });
    return collect(this.open(name), this.file, name);
  }
}

/** `docker save | gzip` is loadable by Docker, but a compressed outer tar cannot be read by random access. */
async function refuseCompressedArchive(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ImageError(`cannot open: ${error.code ?? error.message}`, { file });
  });
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      throw new ImageError('the archive is gzip-compressed: decompress it first (gunzip) so it can be read by random access', { file });
    }
    if (bytesRead >= 4 && head.readUInt32BE(0) === 0x28b52ffd) {
      throw new ImageError('the archive is zstd-compressed: decompress it first (zstd -d)', { file });
    }
  } finally {
    await handle.close();
  }
}

/** The files of a layout directory. Names are relative paths; nothing outside the directory is ever opened. */
export class DirectoryMembers implements MemberStore {
  private readonly root: string;

  constructor(readonly file: string) {
    this.root = fs.realpathSync(file);
  }

  /** Host path of a member, or undefined when the name or a symlink in it would leave the directory. */
  private hostPath(name: string): string | undefined {
    if (path.isAbsolute(name) || name.split('/').includes('..')) return undefined;
    let real: string;
    try {
      real = fs.realpathSync(path.join(this.root, name));
    } catch {
      return undefined;
    }
    return real.startsWith(this.root + path.sep) ? real : undefined;
  }

  size(name: string): number | undefined {
    const host = this.hostPath(name);
    if (!host) return undefined;
    const stat = fs.statSync(host, { throwIfNoEntry: false });
    return stat?.isFile() ? stat.size : undefined;
  }

  open(name: string, range?: { start: number; end: number }): Readable {
    const host = this.hostPath(name);
    if (!host || this.size(name) === undefined) throw new ImageError(`layout has no file ${name}`, { file: this.file });
    if (range && range.end < range.start) return Readable.from([]);
    return fs.createReadStream(host, { start: range?.start, end: range?.end, highWaterMark: 1024 * 1024 });
  }

  async read(name: string): Promise<Buffer> {
    const size = this.size(name);
    if (size === undefined) throw new ImageError(`layout has no file ${name}`, { file: this.file });
    if (size > MAX_METADATA_BYTES) throw new ImageError(`${name} is too large to be image metadata`, { file: this.file });
    return collect(this.open(name), this.file, name);
  }
}
