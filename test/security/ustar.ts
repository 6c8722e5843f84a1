/**
 * A tar writer for names that are bytes: a hostile layer may hold names and link targets that are not UTF-8,
 * which tar-stream (strings, PAX for non-ASCII) cannot write. Plain ustar headers; names up to 100 bytes, or
 * 255 split at a `/` into prefix and name.
 */

export interface ByteEntry {
  name: Buffer;
  type: 'file' | 'directory' | 'symlink';
  content?: Buffer;
  linkname?: Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
}

const TYPEFLAG = { file: '0', directory: '5', symlink: '2' } as const;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function splitName(name: Buffer): { prefix: Buffer; name: Buffer } {
  if (name.length <= 100) return { prefix: Buffer.alloc(0), name };
  for (let i = name.length - 101; i < name.length; i++) {
    if (i > 0 && name[i] === 0x2f && i <= 155) return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
  }
  throw new Error(`name too long for ustar: ${name.length} bytes`);
}

function header(entry: ByteEntry): Buffer {
  const block = Buffer.alloc(512);
  const { prefix, name } = splitName(entry.name);
  const linkname = entry.linkname ?? Buffer.alloc(0);
  if (linkname.length > 100) throw new Error('link target too long for ustar');
  name.copy(block, 0);
  block.write(octal(entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644), 8), 100, 'ascii');
  block.write(octal(entry.uid ?? 0, 8), 108, 'ascii');
  block.write(octal(entry.gid ?? 0, 8), 116, 'ascii');
  block.write(octal(entry.type === 'file' ? (entry.content ?? Buffer.alloc(0)).length : 0, 12), 124, 'ascii');
  block.write(octal(1_700_000_000, 12), 136, 'ascii');
  block.write(' '.repeat(8), 148, 'ascii');
  block.write(TYPEFLAG[entry.type], 156, 'ascii');
  linkname.copy(block, 157);
  block.write('ustar\u000000', 257, 'ascii');
  prefix.copy(block, 345);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** The tar of the entries, in order, with two zero blocks at the end. */
export function ustar(entries: ByteEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    const content = entry.type === 'file' ? entry.content ?? Buffer.alloc(0) : Buffer.alloc(0);
    parts.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
