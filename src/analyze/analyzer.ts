/**
 * Runs the analysis rules over an image to a fixed point: image rules once, then every regular file that
 * becomes kept is shown to every file rule, whose keeps may bring in more files. Each kept path remembers
 * every reason it was kept, so `why` can walk back from any path to a root.
 */
import { posix } from 'node:path';
import type { ImageConfig } from '../image/source';
import type { FileEntry, FileTree } from '../tree/types';
import { isScratchifyError } from '../errors';
import { findLanguagePackages } from './language-packages';
import { addPackageDatabase } from './package-database';
import type { Analysis, AnalysisContext, AnalyzeOptions, FileRule, ImageRule, KeptFile, KeptPath, Reason } from './types';

/** Docker's PATH for containers whose image sets none (moby `oci.DefaultPathEnv`). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HEAD_BYTES = 4096;
/** Bytes of file content read per batch: enough to amortize re-reading compressed layers, bounded in memory. */
const BATCH_BYTES = 64 * 1024 * 1024;

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

class AnalysisRun implements AnalysisContext {
  readonly env: Map<string, string>;
  readonly searchPath: string[];
  readonly workdir: string;
  readonly kept = new Map<string, KeptPath>();
  readonly warnings: string[] = [];
  private readonly queue: string[] = [];
  private fileRules: FileRule[] = [];
  private readonly contentCache = new Map<string, Buffer>();

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
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  isKept(path: string): boolean {
    return this.kept.has(path);
  }

  private absolute(path: string): string {
    return posix.resolve(this.workdir, path);
  }

  /** Records one entry with a reason; queues regular files for the file rules the first time. */
  private record(entry: FileEntry, reason: Reason): void {
    const existing = this.kept.get(entry.path);
    if (existing) {
      if (!existing.reasons.some((r) => r.rule === reason.rule && r.by === reason.by && r.detail === reason.detail)) existing.reasons.push(reason);
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

  keepTree(dir: string, reason: Reason, filter?: (entry: FileEntry) => boolean): boolean {
    const real = this.keep(dir, reason);
    if (real === undefined) return false;
    const root = this.tree.lstat(real);
    if (!root || root.type !== 'dir') return true;
    const walk = (current: string): void => {
      for (const name of this.tree.list(current)) {
        const path = current === '/' ? `/${name}` : `${current}/${name}`;
        const entry = this.tree.lstat(path);
        if (!entry || (filter && !filter(entry))) continue;
        this.record(entry, { rule: reason.rule, by: reason.by, detail: `inside ${real} (${reason.detail})` });
        if (entry.type === 'dir') walk(path);
      }
    };
    walk(real);
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
    const real = this.tree.resolve(this.absolute(path), { followFinal: true }).path;
    const cached = this.contentCache.get(real);
    if (cached) return cached;
    return this.tree.readFile(real);
  }

  /** Drains the queue in batches: one batched read per round, then every file rule on every file. */
  async drain(rules: FileRule[]): Promise<void> {
    this.fileRules = rules;
    return this.drainAgain();
  }

  /** Runs the file rules of the last drain over files kept since. */
  async drainAgain(): Promise<void> {
    const rules = this.fileRules;
    while (this.queue.length > 0) {
      const batch: string[] = [];
      let bytes = 0;
      while (this.queue.length > 0 && (batch.length === 0 || bytes < BATCH_BYTES)) {
        const path = this.queue.shift() as string;
        batch.push(path);
        bytes += this.kept.get(path)?.size ?? 0;
      }
      this.onProgress?.(`inspecting ${batch.length} files (${this.kept.size} paths kept so far)`);
      let contents: Map<string, Buffer>;
      try {
        contents = await this.tree.readFiles(batch);
      } catch (error) {
        if (!isScratchifyError(error)) throw error;
        this.warn(`reading ${batch.length} files failed: ${error.message}`);
        continue;
      }
      for (const [path, content] of contents) this.contentCache.set(path, content);
      for (const path of batch) {
        const content = contents.get(path);
        const entry = this.tree.lstat(path);
        if (!content || !entry) continue;
        const file: KeptFile = { path, entry, head: content.subarray(0, HEAD_BYTES) };
        for (const rule of rules) {
          try {
            await rule.inspect(file, this);
          } catch (error) {
            if (!isScratchifyError(error)) throw error;
            this.warn(`${path}: ${rule.id}: ${error.message}`);
          }
        }
      }
      this.contentCache.clear();
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
  const kept = [...run.kept.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
