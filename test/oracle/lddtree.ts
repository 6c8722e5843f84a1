/**
 * Debian's `lddtree` (pax-utils, pure Python over pyelftools) as an oracle for library closures inside a
 * root directory. It must run under /usr/bin/python3: the first python3 on PATH may be another interpreter
 * without pyelftools.
 *
 * Many files go into one call (a Python start per file would take minutes on an image with thousands of
 * ELF files). `-l` output cannot be split per file when several are given, so the tree output is parsed and
 * turned into exactly what `-l` would print for each file alone (see {@link parseLddtreeTree}).
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

export const LDDTREE = ['/usr/bin/python3', '/usr/bin/lddtree'] as const;

/** One file's closure as lddtree -l lists it, image paths (the root prefix removed). */
export interface LddtreeListing {
  /** PT_INTERP as written in the file, or undefined for a file without one. */
  interpreter?: string;
  /** Library paths lddtree found, in its order; names it did not find are listed as `missing`. */
  libraries: string[];
  /** DT_NEEDED names lddtree did not find anywhere. */
  missing: string[];
}

/**
 * Parses lddtree's tree output (no `-a`, no `-l`) for several files. `-l` prints, per file, the file, its
 * interpreter, then every library line the tree shows except the top-level DT_NEEDED entry of the
 * interpreter's own basename (pax-utils `_ActionShow`: "in list mode we only want to show the interp once"),
 * so dropping that one line from the tree gives the `-l` listing exactly. The tree prints `name => None`
 * for a library it did not find, where `-l` prints the bare name.
 */
export function parseLddtreeTree(output: string, root: string): Map<string, LddtreeListing> {
  const strip = (path: string): string => {
    // Paths found through $ORIGIN carry the root twice or more (see {@link lddtreeListings}).
    while (path.startsWith(`${root}/`)) path = path.slice(root.length);
    return path === root ? '/' : path;
  };
  const result = new Map<string, LddtreeListing>();
  let current: LddtreeListing | undefined;
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const header = /^(\S.*) \(interpreter => (.*)\)$/.exec(line);
    if (header) {
      current = { interpreter: header[2] === 'None' ? undefined : strip(header[2]), libraries: [], missing: [] };
      result.set(strip(header[1]), current);
      continue;
    }
    const dependency = /^((?: {4})+)(\S+) => (.*)$/.exec(line);
    if (!dependency || !current) throw new Error(`unexpected lddtree line: ${JSON.stringify(line)}`);
    const [, indent, name, found] = dependency;
    if (found === '!!! circular loop !!!') continue;
    const depth = indent.length / 4;
    if (depth === 1 && current.interpreter !== undefined && name === posix.basename(current.interpreter)) continue;
    if (found === 'None') current.missing.push(name);
    else current.libraries.push(strip(found));
  }
  return result;
}

/**
 * Runs lddtree over `files` (image paths) inside `root`, in batches, and returns each file's listing.
 *
 * lddtree's $ORIGIN handling under `-R` (runtime-deps.md §2.1, pax-utils `ParseLdPaths`): `$ORIGIN` becomes
 * the directory of the root-prefixed file path, and the root is then prefixed *again* to the absolute
 * result, so every $ORIGIN search (glibc's gconv modules have `RUNPATH [$ORIGIN]`) looks in
 * `<root><root>/dir` and finds nothing. Rather than excuse those libraries, a symlink `<root><root> -> <root>`
 * makes the doubled path name the directory lddtree meant, so lddtree really checks them; the doubled prefix
 * is removed again when parsing. The link is outside every path of the image's own tree.
 */
export async function lddtreeListings(root: string, files: readonly string[], batchSize = 150, parallel = 2): Promise<Map<string, LddtreeListing>> {
  const doubled = join(root, root);
  if (!existsSync(doubled)) {
    // Created one directory at a time, refusing symlinks: an image's own `/tmp` may be a link that leads off the root.
    let dir = root;
    for (const part of posix.dirname(root).split('/').filter(Boolean)) {
      dir = join(dir, part);
      const stat = lstatSync(dir, { throwIfNoEntry: false });
      if (!stat) mkdirSync(dir);
      else if (!stat.isDirectory()) throw new Error(`cannot add the $ORIGIN link: ${dir} is not a directory`);
    }
    symlinkSync(root, doubled);
  }
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += batchSize) batches.push(files.slice(i, i + batchSize));
  const result = new Map<string, LddtreeListing>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++];
      const output = await runLddtree(root, batch);
      for (const [file, listing] of parseLddtreeTree(output, root)) result.set(file, listing);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return result;
}

function runLddtree(root: string, files: readonly string[]): Promise<string> {
  // `--` so a file name starting with `-` is never an option; lddtree exits 1 when any file had a warning
  // (a non-ELF, a missing library), which is a result, not a failure: stdout still holds every tree.
  return new Promise((resolvePromise, reject) => {
    execFile(
      LDDTREE[0],
      [LDDTREE[1], '-R', root, '--', ...files],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code !== 'number') reject(new Error(`lddtree failed: ${error.message}\n${stderr}`));
        else resolvePromise(stdout);
      },
    );
  });
}
