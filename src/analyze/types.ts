/**
 * The analysis: which paths of an image the final stage needs at run time, and why each one.
 *
 * Rules are small modules (ESLint style): an `ImageRule` runs once over the image (roots, system files,
 * `--keep` globs); a `FileRule` looks at each regular file as it becomes kept (ELF dependencies, shebangs,
 * scripts, language runtimes, paths named in config files). The analyzer runs them to a fixed point.
 */
import type { ImageConfig } from '../image/source';
import type { FileEntry, FileTree } from '../tree/types';
import type { InstalledPackage, OsRelease, PackageManager, SynthesizedFile } from '../packages';

/** One reason a path is kept. */
export interface Reason {
  /** The rule that kept it, e.g. `entrypoint`, `elf-needed`, `symlink`, `python-import`. */
  rule: string;
  /** The kept path that required it (absent for roots). */
  by?: string;
  /** Specifics for a human: `DT_NEEDED libssl.so.3`, `import sqlite3`, `USER app`. */
  detail: string;
  /**
   * The file and line in the image that selected this path, when a configuration or script named it
   * (`/etc/apache2/mods-enabled/headers.load` line 1 for `mod_headers.so`). `path` is an image path; `line` is
   * 1-based.
   */
  origin?: { path: string; line: number };
}

/** A path that will exist in the slim image. */
export interface KeptPath {
  path: string;
  type: FileEntry['type'];
  /** Bytes of content (regular files and hardlinks), else 0. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as stored; for hardlinks, the path whose content is shared. */
  linkTarget?: string;
  /** Distinct reasons, at most a few per rule (the first recorded first); `reasonCounts` counts them all. */
  reasons: Reason[];
  /** Present when `reasons` is a sample: how many distinct reasons each rule gave, stored or not. */
  reasonCounts?: Record<string, number>;
  /**
   * True for a path the original image does not have: the package database made for the slim image
   * (`analysis.packages.database` holds its content; emitters take it from the plan).
   */
  synthesized?: true;
}

export interface AnalysisTotals {
  /** Regular-file bytes in the merged image. */
  imageBytes: number;
  imageFiles: number;
  /** Regular-file bytes kept. */
  keptBytes: number;
  keptPaths: number;
  /** keptBytes / imageBytes (0 for an empty image). */
  ratio: number;
}

export interface Analysis {
  /** Every path that will exist in the slim image, sorted, parent directories included. */
  kept: KeptPath[];
  totals: AnalysisTotals;
  /** What could not be resolved (missing libraries, dynamic commands, unreadable files). */
  warnings: string[];
  /** Problems met reading the image itself (device nodes, names escaping the root), from the file tree. */
  imageWarnings: string[];
  /** The image config the slim image carries over. */
  config: ImageConfig;
  /** The command the container runs (entrypoint + cmd), after resolving the program with PATH. */
  command: string[];
  /** The image's package database (dpkg or apk) and what the slim image keeps of it; absent when it has none. */
  packages?: AnalysisPackages;
  /** Language packages with a kept file (Python distributions, npm packages, gems, jars), for the SBOM. */
  languagePackages?: LanguagePackage[];
}

/** A language package one of whose files is kept. */
export interface LanguagePackage {
  ecosystem: 'python' | 'npm' | 'gem' | 'jar';
  name: string;
  version?: string;
  /** Its directory (dist-info, package, gem) or, for a jar, the file. */
  path: string;
}

/** What the analysis found of the image's package manager. */
export interface AnalysisPackages {
  manager: PackageManager;
  os?: OsRelease;
  /** How many packages the image has installed. */
  installed: number;
  /** The installed packages that own at least one kept path (directories aside), in database order. */
  kept: InstalledPackage[];
  /** The database files the slim image carries; empty when turned off (`--no-package-db`). */
  database: SynthesizedFile[];
}

/** What the analyzer offers a rule. Paths are image paths; nothing touches the host. */
export interface AnalysisContext {
  readonly tree: FileTree;
  readonly config: ImageConfig;
  /** The image ENV as a map (later entries win). */
  readonly env: ReadonlyMap<string, string>;
  /** PATH directories from the image ENV (Docker's default PATH when unset). */
  readonly searchPath: readonly string[];
  /** The container's working directory (`/` when unset). */
  readonly workdir: string;
  /**
   * Keeps a path: every symlink crossed on the way (and the final one) is kept as a symlink, the real entry
   * it leads to is kept, and so are parent directories. Returns the resolved real path, or undefined (with
   * nothing kept) when the path does not exist in the image. With `followFinal: false` a final symlink is
   * kept as the link alone (its target is someone else's business).
   */
  keep(path: string, reason: Reason, options?: { followFinal?: boolean }): string | undefined;
  /** Keeps a directory and everything under it (symlinks inside as symlinks). Returns false when missing. */
  keepTree(dir: string, reason: Reason, filter?: (entry: FileEntry) => boolean): boolean;
  /** Whether a path (exact, unresolved) is already kept. */
  isKept(path: string): boolean;
  /** Resolves a command name as `execvp` would with the image's PATH (names with `/` relative to workdir). */
  which(command: string): string | undefined;
  /**
   * A whole file's content, for rules that need it whole (scripts, configs, string scans of programs). Throws
   * ImageError for non-files and for files over `WHOLE_READ_LIMIT` (the rule then skips it with a warning);
   * a ContentReadError when the image's bytes cannot be read (the analysis stops on it).
   */
  read(path: string): Promise<Buffer>;
  /** `size` bytes from byte `start` of a file (fewer at its end): for headers and first lines. */
  readRange(path: string, start: number, size: number): Promise<Buffer>;
  warn(message: string): void;
}

/** A rule that runs once per analysis. */
export interface ImageRule {
  id: string;
  description: string;
  apply(context: AnalysisContext, options: AnalyzeOptions): Promise<void>;
}

/** A kept regular file handed to file rules, with the first bytes of its content for sniffing. */
export interface KeptFile {
  /** Real path (no symlinks). */
  path: string;
  entry: FileEntry;
  /** Up to the first 4 KiB. */
  head: Buffer;
}

/** A rule that looks at each newly kept regular file. */
export interface FileRule {
  id: string;
  description: string;
  inspect(file: KeptFile, context: AnalysisContext): Promise<void>;
}

/** One COPY or ADD of the final stage, expanded. */
export interface ApplicationCopy {
  sources: string[];
  /** Absolute destination (WORKDIR applied); a trailing `/` marks a directory. */
  destination: string;
  /** 1-based line in the Dockerfile. */
  line: number;
}

/** A path the caller knows the program needs, kept as a root with the caller's reason (e.g. seen opened at run time by a probe's check). */
export interface GivenRoot {
  path: string;
  reason: Reason;
}

/** Options of one analysis run. */
export interface AnalyzeOptions {
  /** Extra roots, each with its own reason; the analysis continues from them like from the entrypoint. */
  roots?: GivenRoot[];
  /** Extra paths to keep, as globs over image paths (`--keep`, `# scratchify keep=`). */
  keep?: string[];
  /** What the final stage's COPY/ADD instructions wrote (the application), destinations absolute. */
  application?: ApplicationCopy[];
  /** Called as work progresses, for a spinner. */
  onProgress?: (message: string) => void;
  /**
   * Whether the slim image carries the package database limited to the kept packages (default true; the
   * packages are listed in `packages` either way).
   */
  packageDatabase?: boolean;
}
