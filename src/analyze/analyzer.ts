/**
 * Runs the analysis rules over an image to a fixed point: image rules once, then every regular file that
 * becomes kept is shown to every file rule, whose keeps may bring in more files. Each kept path remembers the
 * first few reasons per rule it was kept for and counts the rest: a library that thousands of extension modules
 * need has thousands of reasons, and storing (and comparing against) every one of them made the analysis
 * quadratic. The first reason of every path is always stored, so `why` can walk back from any path to a root.
 */
import { posix } from 'node:path';
import type { ImageConfig } from '../image/source';
import type { FileEntry, FileTree, RangeRequest } from '../tree/types';
import { ContentReadError, ImageError, isScratchifyError } from '../errors';
import { findLanguagePackages } from './language-packages';
import { addPackageDatabase } from './package-database';
import type { Analysis, AnalysisContext, AnalyzeOptions, FileRule, ImageRule, KeptFile, KeptPath, Reason } from './types';

/** Docker's PATH for containers whose image sets none (moby `oci.DefaultPathEnv`). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HEAD_BYTES = 4096;
/** Files whose heads are read per batch: one pass over each layer for many files, a few megabytes at most. */
const HEAD_BATCH = 2048;
/**
 * The largest file a rule may read whole (`read`); larger ones are skipped by that rule with a warning, so
 * memory stays bounded whatever the image holds. Rules read headers and first lines by range.
 */
export const WHOLE_READ_LIMIT = 128 * 1024 * 1024;
/** Reasons stored per kept path and rule; the others are counted in `reasonCounts`. */
export const REASON_SAMPLE = 4;

export interface AnalysisInput {
  tree: FileTree;
  config: ImageConfig;
}

export interface RuleSet {
  imageRules: ImageRule[];
  fileRules: FileRule[];
}

function envMap(config: ImageConfig): Map<string, string> {
  const env = new Map<string, string>();
  for (const assignment of config.Env) {
    const eq = assignment.indexOf('=');
    if (eq > 0) env.set(assignment.slice(0, eq), assignment.slice(eq + 1));
  }
  return env;
}

function isRegular(entry: FileEntry): boolean {
  return entry.type === 'file' || entry.type === 'hardlink';
}

/** Adds a distinct reason: stored while its rule has fewer than REASON_SAMPLE, counted always. */
function addReason(kept: KeptPath, reason: Reason): void {
  const counts = (kept.reasonCounts ??= countReasons(kept.reasons));
  const count = counts[reason.rule] ?? 0;
  counts[reason.rule] = count + 1;
  if (count < REASON_SAMPLE) kept.reasons.push(reason);
}

function countReasons(reasons: readonly Reason[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of reasons) counts[reason.rule] = (counts[reason.rule] ?? 0) + 1;
  return counts;
}

/** Leaves `reasonCounts` only on paths whose stored reasons are a sample, so it always means "some are left out". */
function settleCounts(kept: KeptPath): KeptPath {
  if (kept.reasonCounts && Object.values(kept.reasonCounts).reduce((sum, n) => sum + n, 0) === kept.reasons.length) delete kept.reasonCounts;
  return kept;
}

class AnalysisRun implements AnalysisContext {
  readonly env: Map<string, string>;
  readonly searchPath: string[];
  readonly workdir: string;
  readonly kept = new Map<string, KeptPath>();
  readonly warnings: string[] = [];
  private readonly warned = new Set<string>();
  /** Every distinct reason recorded, keyed by path, rule, by and detail, so a repeated one costs one lookup. */
  private readonly recorded = new Set<string>();
  private readonly queue: string[] = [];
  /** Directories whose trees were kept, with the filters they were walked with (the run itself: no filter). */
  private readonly walked = new Map<string, Set<unknown>>();
  private fileRules: FileRule[] = [];

  constructor(
    readonly tree: FileTree,
    readonly config: ImageConfig,
    private readonly onProgress?: (message: string) => void,
  ) {
    this.env = envMap(config);
    this.searchPath = (this.env.get('PATH') ?? DEFAULT_PATH).split(':').filter((dir) => dir !== '');
    this.workdir = config.WorkingDir && config.WorkingDir !== '' ? posix.resolve('/', config.WorkingDir) : '/';
  }

  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(message);
  }

  isKept(path: string): boolean {
    return this.kept.has(path);
  }

  private absolute(path: string): string {
    return posix.resolve(this.workdir, path);
  }

  /** Records one entry with a reason; queues regular files for the file rules the first time. */
  private record(entry: FileEntry, reason: Reason): void {
    const key = `${entry.path}\0${reason.rule}\0${reason.by ?? ''}\0${reason.detail}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    const existing = this.kept.get(entry.path);
    if (existing) {
      addReason(existing, reason);
      return;
    }
    this.kept.set(entry.path, {
      path: entry.path,
      type: entry.type,
      size: isRegular(entry) ? entry.size : 0,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      linkTarget: entry.linkTarget,
      reasons: [reason],
    });
    this.keepParents(entry.path);
    if (isRegular(entry)) this.queue.push(entry.path);
    if (entry.type === 'hardlink' && entry.linkTarget) {
      const target = this.tree.lstat(entry.linkTarget);
      if (target) this.record(target, { rule: 'hardlink', by: entry.path, detail: `shares its content with ${entry.path}` });
    }
  }

  private keepParents(path: string): void {
    for (let dir = posix.dirname(path); dir !== '/'; dir = posix.dirname(dir)) {
      if (this.kept.has(dir)) return;
      const entry = this.tree.lstat(dir);
      if (!entry) return;
      this.kept.set(dir, {
        path: dir, type: entry.type, size: 0, mode: entry.mode, uid: entry.uid, gid: entry.gid, linkTarget: entry.linkTarget,
        reasons: [{ rule: 'parent', by: path, detail: `directory of ${path}` }],
      });
    }
  }

  keep(path: string, reason: Reason, options: { followFinal?: boolean } = {}): string | undefined {
    const absolute = this.absolute(path);
    let resolution;
    try {
      resolution = this.tree.resolve(absolute, { followFinal: options.followFinal ?? true });
    } catch (error) {
      if (isScratchifyError(error)) {
        this.warn(`${absolute}: ${error.message}`);
        return undefined;
      }
      throw error;
    }
    if (!resolution.entry) return undefined;
    for (const link of resolution.symlinks) {
      const entry = this.tree.lstat(link);
      if (entry) this.record(entry, { rule: 'symlink', by: reason.by, detail: `symlink on the way from ${absolute} to ${resolution.path} (${reason.rule})` });
    }
    this.record(resolution.entry, reason);
    return resolution.path;
  }

  /**
   * Keeps the directory for `reason` and, once per directory and filter, everything under it for being inside
   * it: a package imported by a thousand modules is walked once, and `why` of a file inside goes through the
   * directory to each of its reasons.
   */
  keepTree(dir: string, reason: Reason, filter?: (entry: FileEntry) => boolean): boolean {
    const real = this.keep(dir, reason);
    if (real === undefined) return false;
    const root = this.tree.lstat(real);
    if (!root || root.type !== 'dir') return true;
    let filters = this.walked.get(real);
    if (!filters) this.walked.set(real, (filters = new Set()));
    if (filters.has(filter ?? this)) return true;
    filters.add(filter ?? this);
    const inside: Reason = { rule: reason.rule, by: real, detail: `inside ${real}` };
    const pending = [real];
    for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
      for (const name of this.tree.list(current)) {
        const path = current === '/' ? `/${name}` : `${current}/${name}`;
        const entry = this.tree.lstat(path);
        if (!entry || (filter && !filter(entry))) continue;
        this.record(entry, inside);
        if (entry.type === 'dir') pending.push(path);
      }
    }
    return true;
  }

  which(command: string): string | undefined {
    const candidates = command.includes('/') ? [this.absolute(command)] : this.searchPath.map((dir) => posix.join(this.absolute(dir), command));
    for (const candidate of candidates) {
      try {
        const resolution = this.tree.resolve(candidate, { followFinal: true });
        if (resolution.entry && isRegular(resolution.entry) && (resolution.entry.mode & 0o111) !== 0) return candidate;
      } catch {
        // a symlink loop on one PATH entry does not stop execvp from trying the next
      }
    }
    return undefined;
  }

  async read(path: string): Promise<Buffer> {
    const resolution = this.tree.resolve(this.absolute(path), { followFinal: true });
    const size = resolution.entry?.size ?? 0;
    if (size > WHOLE_READ_LIMIT) {
      throw new ImageError(`${resolution.path} has ${size} bytes, over the ${WHOLE_READ_LIMIT}-byte limit for reading a file whole; not inspected`);
    }
    return (await this.readRanges([{ path: resolution.path, start: 0, size }]))[0];
  }

  async readRange(path: string, start: number, size: number): Promise<Buffer> {
    const real = this.tree.resolve(this.absolute(path), { followFinal: true }).path;
    return (await this.readRanges([{ path: real, start, size }]))[0];
  }

  /**
   * Reads slices of the tree. When a batch fails, each file is read alone to name the one that cannot be read:
   * the analysis stops there rather than going on without it.
   */
  private async readRanges(requests: readonly RangeRequest[]): Promise<Buffer[]> {
    try {
      return await this.tree.readRanges(requests);
    } catch (error) {
      if (!(error instanceof ContentReadError)) throw error;
      if (requests.length === 1) throw new ContentReadError(`${requests[0].path}: cannot read its content: ${error.message}`, error.location);
      for (const request of requests) await this.readRanges([request]);
      throw error;
    }
  }

  /** Drains the queue in batches: the heads of a batch of files in one read, then every file rule on every file. */
  async drain(rules: FileRule[]): Promise<void> {
    this.fileRules = rules;
    return this.drainAgain();
  }

  /** Runs the file rules of the last drain over files kept since. */
  async drainAgain(): Promise<void> {
    const rules = this.fileRules;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, HEAD_BATCH);
      this.onProgress?.(`inspecting ${batch.length} files (${this.kept.size} paths kept so far)`);
      const heads = await this.readRanges(batch.map((path) => ({ path, start: 0, size: HEAD_BYTES })));
      for (const [index, path] of batch.entries()) {
        const entry = this.tree.lstat(path);
        if (!entry) continue;
        const file: KeptFile = { path, entry, head: heads[index] };
        for (const rule of rules) {
          try {
            await rule.inspect(file, this);
          } catch (error) {
            if (!isScratchifyError(error) || error instanceof ContentReadError) throw error;
            this.warn(`${path}: ${rule.id}: ${error.message}`);
          }
        }
      }
    }
  }
}

/** The command a container of this image runs: ENTRYPOINT followed by CMD, as Docker joins them. */
export function containerCommand(config: ImageConfig): string[] {
  return [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
}

/**
 * The rules an analysis runs unless told otherwise. They are loaded on first use: they are most of what
 * loading the analysis costs, and `analyzeImage` first needs them once the image's layers are being read.
 */
export function defaultRules(): RuleSet {
  return (require('./rules') as typeof import('./rules')).DEFAULT_RULES;
}

/** The rules of a `--trace-only` analysis: the given roots and their ELF and system-file closure (rules/index.ts). */
export function closureRules(): RuleSet {
  return (require('./rules') as typeof import('./rules')).CLOSURE_RULES;
}

export async function analyze(input: AnalysisInput, options: AnalyzeOptions = {}, rules: RuleSet = defaultRules()): Promise<Analysis> {
  const run = new AnalysisRun(input.tree, input.config, options.onProgress);
  for (const rule of rules.imageRules) {
    options.onProgress?.(rule.description);
    await rule.apply(run, options);
  }
  await run.drain(rules.fileRules);
  const packages = await addPackageDatabase(run, options.packageDatabase ?? true);
  const languagePackages = await findLanguagePackages([...run.kept.values()], input.tree);

  const { files: imageFiles, bytes: imageBytes } = input.tree.fileTotals();
  const kept = [...run.kept.values()].map(settleCounts).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const keptBytes = kept.reduce((sum, path) => sum + (path.type === 'file' ? path.size : 0), 0);
  return {
    kept,
    totals: { imageBytes, imageFiles, keptBytes, keptPaths: kept.length, ratio: imageBytes === 0 ? 0 : keptBytes / imageBytes },
    warnings: run.warnings,
    imageWarnings: [...input.tree.warnings],
    config: input.config,
    command: containerCommand(input.config),
    ...(packages ? { packages } : {}),
    languagePackages,
  };
}
