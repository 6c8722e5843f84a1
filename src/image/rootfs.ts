/**
 * A plain root-filesystem directory (e.g. `docker export` unpacked, or a BuildKit local output) used as an
 * image: the tree is the directory itself, walked with lstat so no symlink is ever followed on the host. There
 * is no config, so the config is empty. Contents are read later with O_NOFOLLOW, after checking that the
 * file's real directory is still inside the root (the tree may have changed since it was walked).
 *
 * Names on the host are bytes like names in a tar: directories are read as Buffers and decoded as names are
 * (name-bytes.ts), and every host path is held in that form and turned back into its bytes (`nameBytes`) for
 * each system call, so a name that is not UTF-8 is neither lost nor confused with another.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImageError } from '../errors';
import type { FileType, LayerEntry } from '../tree/types';
import { emptyImageConfig } from './image-config';
import { decodeName, nameBytes } from './name-bytes';
import type { ImageSource, OpenedImage } from './source';

function typeOf(stat: fs.Stats): FileType | undefined {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'dir';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isCharacterDevice()) return 'char';
  if (stat.isBlockDevice()) return 'block';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  return undefined;
}

/** Walks `root` parents-first, in sorted order, calling `apply` with an entry per file (relative names). */
export async function scanRootDirectory(root: string, apply: (entry: LayerEntry) => void): Promise<void> {
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    let names: string[];
    try {
      const raw = await fs.promises.readdir(nameBytes(path.join(root, relative)), { encoding: 'buffer' });
      names = raw.sort(Buffer.compare).map((name) => decodeName(name));
    } catch (error) {
      throw new ImageError(`cannot read directory /${relative}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: root });
    }
    const subdirectories: string[] = [];
    for (const name of names) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const host = path.join(root, child);
      const stat = await fs.promises.lstat(nameBytes(host));
      const type = typeOf(stat);
      if (!type) continue;
      const entry: LayerEntry = {
        name: child,
        type,
        mode: stat.mode & 0o7777,
        uid: stat.uid,
        gid: stat.gid,
        size: type === 'file' ? stat.size : 0,
        mtime: Math.floor(stat.mtimeMs / 1000),
        offset: 0,
      };
      if (type === 'file') entry.location = { kind: 'host', path: host };
      if (type === 'symlink') entry.linkName = decodeName(await fs.promises.readlink(nameBytes(host), { encoding: 'buffer' }));
      if (type === 'char' || type === 'block') {
        // Linux dev_t encoding (glibc `gnu_dev_major`/`gnu_dev_minor`).
        entry.devMajor = ((stat.rdev >> 8) & 0xfff) | ((stat.rdev / 2 ** 32) & ~0xfff);
        entry.devMinor = (stat.rdev & 0xff) | ((stat.rdev >> 12) & ~0xff);
      }
      apply(entry);
      if (type === 'dir') subdirectories.push(child);
    }
    for (let i = subdirectories.length - 1; i >= 0; i -= 1) pending.push(subdirectories[i]);
  }
}

/** The real path of a host directory, as a name. */
async function realDirectoryName(directory: string): Promise<string> {
  return decodeName(await fs.promises.realpath(nameBytes(directory), { encoding: 'buffer' }));
}

/** Reads a file found by `scanRootDirectory`, refusing it if a symlink now leads it outside `root`. */
export async function readHostFile(root: string, host: string): Promise<Buffer> {
  const realDirectory = await realDirectoryName(path.dirname(host));
  if (realDirectory !== root && !realDirectory.startsWith(root + path.sep)) {
    throw new ImageError(`${host}: now leaves the root directory; not read`, { file: root });
  }
  const handle = await fs.promises.open(nameBytes(path.join(realDirectory, path.basename(host))), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** A root-filesystem directory. */
export class RootfsSource implements ImageSource {
  readonly format = 'rootfs' as const;

  constructor(private readonly directory: string) {}

  async open(): Promise<OpenedImage> {
    const root = await realDirectoryName(this.directory).catch(() => {
      throw new ImageError('cannot open root directory', { file: this.directory });
    });
    return { format: this.format, file: this.directory, config: emptyImageConfig(), layers: [], rootDirectory: root };
  }
}
