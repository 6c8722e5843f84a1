/**
 * The files one command writes (`-o`, `--report`, `--oci-archive`, `--docker-archive`), written all or nothing.
 *
 * 1. `OutputSet.open` checks every path before any work is done: its directory exists, and whatever is at the
 *    path is a regular file or nothing. A directory, device, FIFO or socket is refused rather than replaced
 *    (renaming over /dev/null as root removes the device), and so is a symlink, whose target the user may have
 *    meant. Two outputs that name one file (`x`, `./x`, `link-to-dir/x`: the real directory and the name are
 *    compared) are refused. `-` is standard output where the command allows it, for one output at most. Each
 *    file then gets an empty temporary file in its own directory (so the final rename stays on one file system
 *    and is atomic, and an unwritable directory fails now, before anything is written).
 * 2. The command writes each output into its temporary file (`write`, or `produce` for writers that stream).
 * 3. `commit` renames every temporary file over its output, only once all of them are complete, after checking
 *    each path again; a reader sees the old file or the whole new one. Standard output is returned to be
 *    printed last. `discard` (after a failure, or always in a `finally`: it is a no-op after `commit`) removes
 *    every temporary file and leaves the old outputs as they were.
 *
 * Temporary files are registered with cleanup.ts, so SIGINT, SIGTERM and SIGHUP remove them too.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ScratchifyError, UsageError } from '../errors';
import { forget, removeNow, removeOnStop } from './cleanup';

/** One output of a command. */
export interface OutputTarget {
  /** The option that names it, for messages (`-o`, `--report`). */
  option: string;
  /** The path as the user gave it; `-` is standard output when `stdout` allows it. */
  path: string;
  /** Whether `-` means standard output (text outputs); otherwise `-` is refused. */
  stdout?: boolean;
}

/** What is at a path that is not a regular file, for the message that refuses it. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  return 'a socket';
}

/** Throws unless `file` is absent or a regular file; returns the regular file's stat. */
function checkReplaceable(file: string, shown: string): fs.Stats | undefined {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat || stat.isFile()) return stat;
  const advice = stat.isSymbolicLink() ? ' (scratchify neither follows nor replaces one: give the path it points to)' : '';
  throw new UsageError(`cannot write ${shown}: it is ${kindOf(stat)}, not a regular file${advice}`);
}

/** A file-system failure as one line that names the output (and so has no location before it). */
function ioError(shown: string, error: unknown): ScratchifyError {
  const code = (error as NodeJS.ErrnoException).code;
  return new ScratchifyError('io', `cannot write ${shown}: ${code ?? (error as Error).message}`);
}

/** One output, staged in a temporary file (or in memory, for standard output) until the set is committed. */
export class StagedOutput {
  /** The temporary file the content goes into: created empty, in the output's directory. Undefined for standard output. */
  readonly temp: string | undefined;
  private readonly scratch: string[] = [];
  private text: string | Buffer | undefined;
  private done = false;

  constructor(
    readonly option: string,
    /** The path as the user gave it. */
    readonly path: string,
    /** The real path the output will have (real directory + name); undefined for standard output. */
    readonly target: string | undefined,
  ) {
    if (target === undefined) return;
    this.temp = this.newScratchFile('tmp');
  }

  get isStdout(): boolean {
    return this.target === undefined;
  }

  /** Whether the content is complete. */
  get complete(): boolean {
    return this.done;
  }

  /**
   * A new empty file beside the output, for a writer's intermediate data (an archive's layer); removed with the
   * set whatever happens. Made synchronously, so a signal's cleanup never misses it.
   */
  newScratchFile(label: string): string {
    const target = this.target;
    if (target === undefined) throw new Error(`${this.option} -: standard output has no scratch files`);
    const file = path.join(path.dirname(target), `.${path.basename(target)}.scratchify-${process.pid}-${randomBytes(6).toString('hex')}.${label}`);
    removeOnStop(file);
    try {
      fs.closeSync(fs.openSync(file, 'wx', 0o666));
    } catch (error) {
      forget(file);
      throw ioError(this.path, error);
    }
    this.scratch.push(file);
    return file;
  }

  /** Sets the whole content. */
  write(content: string | Buffer): void {
    if (this.temp === undefined) this.text = content;
    else {
      try {
        fs.writeFileSync(this.temp, content);
      } catch (error) {
        throw ioError(this.path, error);
      }
    }
    this.done = true;
  }

  /**
   * Runs `fill`, which writes the content into `file` (this output's temporary file, which exists and is empty);
   * a failure of the file system is reported as this output's, anything else is passed on as it is.
   */
  async produce<T>(fill: (file: string, output: StagedOutput) => Promise<T>): Promise<T> {
    if (this.temp === undefined) throw new UsageError(`${this.option} -: this output cannot go to standard output; give a file name`);
    let result: T;
    try {
      result = await fill(this.temp, this);
    } catch (error) {
      if (error instanceof ScratchifyError || typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
      throw ioError(this.path, error);
    }
    this.done = true;
    return result;
  }

  /** Standard output's content, once written. */
  stdoutText(): string | Buffer | undefined {
    return this.text;
  }

  /**
   * Renames the temporary file over the output; the other scratch files are removed. The file replaced, if any,
   * passes its permission bits on: a report kept private stays private.
   */
  install(replaced: fs.Stats | undefined): void {
    if (this.temp === undefined || this.target === undefined) return;
    try {
      if (replaced) fs.chmodSync(this.temp, replaced.mode & 0o777);
      fs.renameSync(this.temp, this.target);
    } catch (error) {
      throw ioError(this.path, error);
    }
    forget(this.temp);
    this.remove();
  }

  /** Removes every file this output made (the temporary file too, unless it has been installed). */
  remove(): void {
    for (const file of this.scratch) removeNow(file);
    this.scratch.length = 0;
  }
}

/** The outputs of one command. */
export class OutputSet {
  private finished = false;

  private constructor(private readonly outputs: StagedOutput[]) {}

  /** Checks every target and stages it; throws (having written nothing) when one is refused. */
  static open(targets: readonly OutputTarget[]): OutputSet {
    const seen = new Map<string, OutputTarget>();
    const resolved = targets.map((target) => {
      const real = resolveTarget(target);
      const key = real ?? '-';
      const other = seen.get(key);
      if (other) {
        throw new UsageError(
          real === undefined
            ? `${other.option} and ${target.option} cannot both write to standard output (give one of them a file)`
            : `${other.option} ${other.path} and ${target.option} ${target.path} name the same file`,
        );
      }
      seen.set(key, target);
      return { target, real };
    });
    const staged: StagedOutput[] = [];
    try {
      for (const { target, real } of resolved) staged.push(new StagedOutput(target.option, target.path, real));
    } catch (error) {
      for (const output of staged) output.remove();
      throw error;
    }
    return new OutputSet(staged);
  }

  /** The output named by `option`, or undefined when the command was not given that option. */
  get(option: string): StagedOutput | undefined {
    return this.outputs.find((output) => output.option === option);
  }

  /**
   * Installs every output once all are complete, checking each path again first; returns what goes to standard
   * output (to be printed after this), or '' when nothing does.
   */
  commit(): string | Buffer {
    const incomplete = this.outputs.find((output) => !output.complete);
    if (incomplete) throw new Error(`${incomplete.option} was never written`);
    const replaced = this.outputs.map((output) => (output.target === undefined ? undefined : checkReplaceable(output.target, output.path)));
    this.outputs.forEach((output, index) => output.install(replaced[index]));
    this.finished = true;
    return this.outputs.find((output) => output.isStdout)?.stdoutText() ?? '';
  }

  /** Removes every temporary file, leaving the outputs as they were; nothing to do after `commit`. */
  discard(): void {
    if (this.finished) return;
    this.finished = true;
    for (const output of this.outputs) output.remove();
  }
}

/** The real path `target` names (its directory's real path + its name), checked; undefined for standard output. */
function resolveTarget(target: OutputTarget): string | undefined {
  const { option, path: given } = target;
  if (given === '-') {
    if (!target.stdout) throw new UsageError(`${option} -: this output cannot go to standard output; give a file name`);
    return undefined;
  }
  if (given === '' || given.endsWith('/')) throw new UsageError(`${option} ${JSON.stringify(given)}: give a file name`);
  const absolute = path.resolve(given);
  const directory = path.dirname(absolute);
  let realDirectory: string;
  try {
    realDirectory = fs.realpathSync(directory);
  } catch {
    throw new UsageError(`cannot write ${given}: ${directory} does not exist`);
  }
  if (!fs.statSync(realDirectory).isDirectory()) throw new UsageError(`cannot write ${given}: ${directory} is not a directory`);
  const real = path.join(realDirectory, path.basename(absolute));
  checkReplaceable(real, given);
  return real;
}
