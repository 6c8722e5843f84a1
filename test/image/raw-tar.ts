/**
 * Tar bytes written field by field, for what tar-stream cannot write: names and link targets that are not
 * UTF-8, PAX records holding any bytes, GNU long-name records, and the exact layout of Python's `tarfile`.
 * Written from the POSIX ustar layout (pax(1), "ustar Interchange Format") independently of
 * src/image/tar-header.ts, so the readers under test are not checked against their own writer.
 */
export type Bytes = Buffer | string;

const bytesOf = (value: Bytes): Buffer => (typeof value === 'string' ? Buffer.from(value) : value);

/** One header block's fields; numbers are written as Python's tarfile writes them (`%0*o` then NUL). */
export interface RawHeader {
  name: Bytes;
  /** One typeflag character: '0', '\0', '1', '2', '5', 'x', 'g', 'L', 'K'… */
  typeflag: string;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: Bytes;
  prefix?: Bytes;
  /** Device numbers, for character and block devices; left NUL otherwise, as tarfile leaves them. */
  devmajor?: number;
  devminor?: number;
  /** POSIX `ustar\0` + `00` (default), or GNU `ustar ` + ` \0`. */
  magic?: 'posix' | 'gnu';
}

function octal(value: number, length: number): Buffer {
  return Buffer.from(`${value.toString(8).padStart(length - 1, '0')}\0`, 'latin1');
}

function put(block: Buffer, offset: number, length: number, value: Bytes): void {
  const bytes = bytesOf(value);
  if (bytes.length > length) throw new Error(`field at ${offset} holds ${length} bytes, not ${bytes.length}`);
  bytes.copy(block, offset);
}

export function headerBlock(header: RawHeader): Buffer {
  const block = Buffer.alloc(512);
  put(block, 0, 100, header.name);
  put(block, 100, 8, octal(header.mode ?? 0o644, 8));
  put(block, 108, 8, octal(header.uid ?? 0, 8));
  put(block, 116, 8, octal(header.gid ?? 0, 8));
  put(block, 124, 12, octal(header.size ?? 0, 12));
  put(block, 136, 12, octal(header.mtime ?? 0, 12));
  block.write(header.typeflag, 156, 'latin1');
  put(block, 157, 100, header.linkname ?? '');
  put(block, 257, 8, header.magic === 'gnu' ? 'ustar  \0' : 'ustar\x0000');
  if (header.devmajor !== undefined) put(block, 329, 8, octal(header.devmajor, 8));
  if (header.devminor !== undefined) put(block, 337, 8, octal(header.devminor, 8));
  put(block, 345, 155, header.prefix ?? '');
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** PAX extended header data: `<length> <key>=<value>\n` per record, the length counting itself. */
export function paxData(records: Array<[Bytes, Bytes]>): Buffer {
  return Buffer.concat(
    records.map(([key, value]) => {
      const body = Buffer.concat([Buffer.from(' '), bytesOf(key), Buffer.from('='), bytesOf(value), Buffer.from('\n')]);
      let length = body.length + 1;
      while (String(length).length + body.length !== length) length = String(length).length + body.length;
      return Buffer.concat([Buffer.from(String(length)), body]);
    }),
  );
}

/** One member: a header, then its data padded to whole blocks. */
export interface RawEntry {
  header: RawHeader;
  data?: Bytes;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** The members, then the two zero blocks; padded to `recordBytes` (tarfile and GNU tar use 10240). */
export function rawTar(entries: RawEntry[], recordBytes = 512): Buffer {
  const parts = entries.map(({ header, data }) => {
    const body = data === undefined ? Buffer.alloc(0) : bytesOf(data);
    return Buffer.concat([headerBlock({ ...header, size: header.size ?? body.length }), padded(body)]);
  });
  const archive = Buffer.concat([...parts, Buffer.alloc(1024)]);
  return Buffer.concat([archive, Buffer.alloc((recordBytes - (archive.length % recordBytes)) % recordBytes)]);
}

/** A PAX extended header ('x') member carrying `records`, named as `name` (tarfile: `././@PaxHeader`). */
export function paxEntry(records: Array<[Bytes, Bytes]>, name: Bytes = 'PaxHeader'): RawEntry {
  return { header: { name, typeflag: 'x', mode: 0 }, data: paxData(records) };
}

/**
 * What Python's tarfile (PAX_FORMAT) writes for a regular file whose path is over 100 bytes: a PAX header
 * `././@PaxHeader` (mode, ids and mtime 0) with the `path` record, then the ustar header whose name field holds
 * the path's first 100 bytes, cut wherever that falls (tarfile's `stn`), with no prefix; the archive padded to
 * 10240 bytes.
 */
export function tarfilePaxLayout(path: string, data: Bytes, mtime: number): Buffer {
  const name = Buffer.from(path);
  return rawTar(
    [
      paxEntry([['path', name]], '././@PaxHeader'),
      { header: { name: name.subarray(0, 100), typeflag: '0', mode: 0o644, mtime }, data },
    ],
    10240,
  );
}
