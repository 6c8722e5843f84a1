/**
 * An image whose names are bytes that are not UTF-8, written with raw headers (raw-tar.ts): two files that
 * differ only in a non-UTF-8 byte, a Latin-1 name, a symlink whose target is not UTF-8, a hardlink to such a
 * name, a long non-UTF-8 name in a PAX record marked `hdrcharset=BINARY`, another in a GNU long-name record,
 * and a program with a binary `security.capability`. Every reader and writer must keep them byte for byte.
 */
import { configFor, dockerLegacyArchive, type TestLayer } from './image-builder';
import { paxEntry, rawTar } from './raw-tar';

const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** `setcap cap_net_raw,cap_setfcap+ep`: VFS_CAP_REVISION_2 with the effective flag, permitted bits 13 and 31. */
export const CAPABILITY = Buffer.from([0x01, 0, 0, 0x02, 0x00, 0x20, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/** The long name held by a PAX record: over 100 bytes, with 0xFF bytes in it. */
export const PAX_LONG = bytes('data/', 'long-'.repeat(22), [0xff], '-pax');
/** The long name held by a GNU long-name record. */
export const GNU_LONG = bytes('data/', 'gnu-'.repeat(26), [0xfe], '-gnu');

/** Each entry of the layer: its name as bytes, and what it is. */
export const HOSTILE_ENTRIES: Array<{ name: Buffer; type: 'dir' | 'file' | 'symlink' | 'hardlink'; content?: string; link?: Buffer }> = [
  { name: bytes('data'), type: 'dir' },
  { name: bytes('data/a', [0xff]), type: 'file', content: 'first file, a\\xff' },
  { name: bytes('data/a', [0xfe]), type: 'file', content: 'second file, a\\xfe' },
  { name: bytes('data/caf', [0xe9], '.txt'), type: 'file', content: 'a Latin-1 name' },
  { name: bytes('data/link-', [0xff]), type: 'symlink', link: bytes('caf', [0xe9], '.txt') },
  { name: bytes('data/hard-', [0xe9]), type: 'hardlink', link: bytes('data/a', [0xff]) },
  { name: PAX_LONG, type: 'file', content: 'named by PAX path, hdrcharset=BINARY' },
  { name: GNU_LONG, type: 'file', content: 'named by a GNU long-name record' },
  { name: bytes('data/ping'), type: 'file', content: 'a program with a file capability' },
];

/** The uncompressed layer tar. */
export function hostileLayerTar(): Buffer {
  const mtime = 1_700_000_000;
  return rawTar([
    { header: { name: 'data/', typeflag: '5', mode: 0o755, mtime } },
    { header: { name: bytes('data/a', [0xff]), typeflag: '0', mtime }, data: 'first file, a\\xff' },
    { header: { name: bytes('data/a', [0xfe]), typeflag: '0', mtime }, data: 'second file, a\\xfe' },
    { header: { name: bytes('data/caf', [0xe9], '.txt'), typeflag: '0', mtime }, data: 'a Latin-1 name' },
    { header: { name: bytes('data/link-', [0xff]), typeflag: '2', mode: 0o777, mtime, linkname: bytes('caf', [0xe9], '.txt') } },
    { header: { name: bytes('data/hard-', [0xe9]), typeflag: '1', mtime, linkname: bytes('data/a', [0xff]) } },
    paxEntry([
      ['hdrcharset', 'BINARY'],
      ['path', PAX_LONG],
    ]),
    { header: { name: 'PaxHeader', typeflag: '0', mtime }, data: 'named by PAX path, hdrcharset=BINARY' },
    { header: { name: '././@LongLink', typeflag: 'L', magic: 'gnu' }, data: Buffer.concat([GNU_LONG, Buffer.alloc(1)]) },
    { header: { name: GNU_LONG.subarray(0, 100), typeflag: '0', magic: 'gnu', mtime }, data: 'named by a GNU long-name record' },
    paxEntry([['SCHILY.xattr.security.capability', CAPABILITY]]),
    { header: { name: 'data/ping', typeflag: '0', mode: 0o755, mtime }, data: 'a program with a file capability' },
  ]);
}

/** The runtime config of the image: `/data/ping` runs. */
export const HOSTILE_RUNTIME = { Entrypoint: ['/data/ping'] };

/** A Dockerfile whose target is that image (its COPY marks /data as the application). */
export const HOSTILE_DOCKERFILE = 'FROM scratch\nCOPY data /data\nENTRYPOINT ["/data/ping"]\n';

/** The image as a `docker save` archive (classic layout), tagged `tags`. */
export async function hostileDockerArchive(tags?: string[]): Promise<Buffer> {
  const tar = hostileLayerTar();
  const layer: TestLayer = { tar, stored: tar };
  return dockerLegacyArchive([layer], configFor([layer], HOSTILE_RUNTIME), tags);
}
