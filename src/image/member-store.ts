/**
 * Named files inside an image container: the members of a tar archive (`docker save`, an OCI archive) or the
 * files of a layout directory. Adapters read `manifest.json`, `index.json` and blobs through this one interface,
 * so the OCI walk is written once for both the directory and the tar form.
 *
 * A tar is indexed once with a pass over its headers (member name → data offset and size), seeking past member
 * data instead of reading it; members are then opened by random access with `fs.createReadStream({start, end})`. This is what makes Docker ≥ 25 archives readable in
 * one pass although their `manifest.json` comes after the blobs it names (reference runtime-deps.md §5.3).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ImageError } from '../errors';
import type { HostRange } from './source';
import { describeStreamError } from './stream-errors';
// The outer archive and the layers share one reading of tar headers (tar-header.ts).
import { sniffCompression } from './layer-stream';
import { decodeName } from './name-bytes';
import { BLOCK, headerChecksum, headerName, isPosixUstar, longNameRecord, nameFieldEnd, padded, paxOverride, paxRecords, tarNumber, TRUNCATED_TAR } from './tar-header';

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
  /** The host file range holding a member's bytes. */
  locate(name: string): HostRange | undefined;
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

  /**
   * Indexes `file` in one pass over its headers: each member's data is skipped by seeking, not read, so a
   * multi-GB archive is indexed in milliseconds (an outer `docker save` tar has only a few members).
   */
  static async index(file: string): Promise<TarMembers> {
    await refuseCompressedArchive(file);
    const handle = await fs.promises.open(file, 'r');
    try {
      const members = await readTarHeaders(handle, (await handle.stat()).size, file);
      if (members.size === 0) throw new ImageError('not an image archive: the tar has no files', { file });
      return new TarMembers(file, members);
    } finally {
      await handle.close();
    }
  }

  size(name: string): number | undefined {
    return this.members.get(name)?.size;
  }

  locate(name: string): HostRange | undefined {
    const member = this.members.get(name);
    return member && { file: this.file, start: member.offset, size: member.size };
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

/** Walks the headers of a plain tar by positional reads, collecting regular-file members. */
async function readTarHeaders(handle: fs.promises.FileHandle, fileSize: number, file: string): Promise<Map<string, MemberLocation>> {
  const members = new Map<string, MemberLocation>();
  const block = Buffer.alloc(BLOCK);
  let position = 0;
  let longName: Buffer | undefined;
  let pax: Record<string, Buffer> = {};
  const readData = async (at: number, size: number): Promise<Buffer> => {
    const data = Buffer.alloc(size);
    await handle.read(data, 0, size, at);
    return data;
  };
  while (position + BLOCK <= fileSize) {
    await handle.read(block, 0, BLOCK, position);
    if (block.every((byte) => byte === 0)) return members;
    if (headerChecksum(block) !== tarNumber(block, 148, 8)) {
      throw new ImageError(`not a readable tar archive: ${position === 0 ? 'not a tar (invalid tar header)' : `bad header at byte ${position}`}`, { file });
    }
    const type = String.fromCharCode(block[156] || 0x30);
    let size = tarNumber(block, 124, 12);
    const paxSize = paxOverride(pax, 'size');
    if (paxSize) size = parseInt(paxSize.toString('latin1'), 10);
    const dataStart = position + BLOCK;
    if (dataStart + size > fileSize) throw new ImageError(`not a readable tar archive: ${TRUNCATED_TAR}`, { file });
    position = dataStart + padded(size);
    if (type === 'x' || type === 'L') {
      if (size > MAX_METADATA_BYTES) throw new ImageError('not a readable tar archive: oversized extended header', { file });
      const data = await readData(dataStart, size);
      if (type === 'x') pax = paxRecords(data);
      else longName = longNameRecord(data);
      continue;
    }
    if (type === 'g' || type === 'K') continue;
    // The layers' reader decodes names the same way: names as bytes (name-bytes.ts), the prefix field only in
    // POSIX ustar headers (GNU headers keep times in those bytes).
    const long = paxOverride(pax, 'path') ?? longName;
    const name = long ? decodeName(long) : headerName(block, 0, nameFieldEnd(block, 0), isPosixUstar(block, 0));
    pax = {};
    longName = undefined;
    // '0', NUL (old tar) and '7' (contiguous) are regular files; a later member of the same name wins.
    if (type === '0' || type === '7') members.set(normalizeMemberName(name), { offset: dataStart, size });
  }
  if (position < fileSize) throw new ImageError(`not a readable tar archive: ${TRUNCATED_TAR}`, { file });
  return members;
}

/** `docker save | gzip` is loadable by Docker, but a compressed outer tar cannot be read by random access. */
async function refuseCompressedArchive(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ImageError(`cannot open: ${error.code ?? error.message}`, { file });
  });
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    const compression = sniffCompression(head.subarray(0, bytesRead));
    if (compression === 'gzip') {
      throw new ImageError('the archive is gzip-compressed: decompress it first (gunzip) so it can be read by random access', { file });
    }
    if (compression === 'zstd') throw new ImageError('the archive is zstd-compressed: decompress it first (zstd -d)', { file });
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

  locate(name: string): HostRange | undefined {
    const size = this.size(name);
    const host = this.hostPath(name);
    return size === undefined || !host ? undefined : { file: host, start: 0, size };
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
