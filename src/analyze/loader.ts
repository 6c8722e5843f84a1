/**
 * The shared-library closure of ELF programs, computed from the image files alone, the way the dynamic
 * loader of the image would load them: glibc 2.36 (Debian 12) `elf/dl-load.c:_dl_map_object`, or musl's
 * `ldso/dynlink.c:load_library`. Nothing is executed. runtime-deps.md §1, Appendix A.
 *
 * Every path the slim image must contain is recorded with the reason it is needed, including every
 * symlink crossed on the way (usrmerge `/lib64 -> usr/lib64`, `/lib -> usr/lib`, soname links).
 */
import { posix } from 'path';
import { ContentReadError, isScratchifyError } from '../errors';
import type { FileTree, Resolution } from '../tree/types';
import { DF_1_NODEFLIB, parseElfByRanges, type ElfInfo, type ElfParseResult } from './elf';
import { lookupLdCache, parseLdCache, type LdCache } from './ldcache';
import { loaderArchFor, loaderArchNamed, type LoaderArch } from './loader-arch';
import { expandGlibcDst, expandMuslDst, type DstExpansion } from './loader-dst';

/** Why a path is kept. */
export type KeepReasonKind =
  /** A program or library the caller asked about. */
  | 'root'
  /** The PT_INTERP path, opened by the kernel. */
  | 'interpreter'
  /** A DT_NEEDED library (or a CPU-specific variant of one). */
  | 'needed'
  /** A library named by LD_PRELOAD or /etc/ld.so.preload, or that file itself. */
  | 'preload'
  /** A symlink crossed while opening something kept. */
  | 'symlink'
  /** `/etc/ld.so.cache`, kept because a library is found only through it. */
  | 'ld.so.cache'
  /** musl's `/etc/ld-musl-$ARCH.path`, which replaces the default search path when present. */
  | 'musl-path';

/** One reason a path is kept. */
export interface KeepReason {
  reason: KeepReasonKind;
  /** The kept path (symlink-free) of the object that caused it: the needer, the program, … */
  by: string;
  /** Human-readable specifics, e.g. `DT_NEEDED libssl.so.3 found via ld.so.cache as /lib/x86_64-linux-gnu/libssl.so.3`. */
  detail: string;
}

/** Where a loaded object was found. */
export type FoundVia =
  | 'root'
  | 'interpreter'
  | 'path'
  | 'rpath'
  | 'LD_LIBRARY_PATH'
  | 'runpath'
  | 'ld.so.cache'
  | 'default-dirs'
  | 'musl-path'
  | 'musl-libc';

/** One resolved DT_NEEDED entry. */
export interface NeededResolution {
  name: string;
  /** The path as the loader opened it (unresolved), undefined when not found. */
  path?: string;
  realPath?: string;
}

/** An object in one process, in load order. */
export interface LoadedObject {
  /** The path as opened (a library's $ORIGIN is its directory). */
  path: string;
  /** The same file with every symlink resolved. */
  realPath: string;
  elf: ElfInfo;
  via: FoundVia;
  /** True for a CPU-specific alternative (glibc-hwcaps, legacy hwcaps, a `$PLATFORM` expansion) kept because the CPU is unknown. */
  variant: boolean;
  /** The object whose DT_NEEDED loaded this one (glibc `l_loader`); undefined for the program. */
  loader?: LoadedObject;
  needed: NeededResolution[];
}

/** The simulated start of one root. */
export interface LoadedProcess {
  root: string;
  /** `static` programs load nothing; the others name the loader whose rules were applied. */
  flavor: 'glibc' | 'musl' | 'static';
  objects: LoadedObject[];
}

/** Everything {@link elfClosure} found. */
export interface ElfClosure {
  /** Image path → reasons. Keys are exactly the paths the slim image needs (real files and symlinks). */
  kept: Map<string, KeepReason[]>;
  /** Names that were not found, files that would fail to load, unreadable caches. */
  warnings: string[];
  processes: LoadedProcess[];
}

/** Inputs beyond the file tree: the image's environment and architecture. */
export interface ClosureOptions {
  /** The raw `LD_LIBRARY_PATH` value of the image config (glibc splits on `:` and `;`, musl on `:` and newline). */
  ldLibraryPath?: string;
  /** The raw `LD_PRELOAD` value (whitespace or `:` separated). */
  ldPreload?: string;
  /** Architecture name (`x86_64`, `aarch64`, …); by default taken from each root's e_machine. */
  arch?: string;
  /** The container's working directory; empty and relative search-path elements are relative to it. Default `/`. */
  workingDir?: string;
  /** Which loader to emulate; by default decided by PT_INTERP (`ld-musl-*` → musl). */
  libc?: 'glibc' | 'musl';
  /** Search the glibc 2.33–2.36 legacy hwcaps subdirectories (`tls`, `haswell`, `x86_64`…). Default true (Debian 12 is 2.36). */
  legacyHwcaps?: boolean;
}

const LD_SO_CACHE = '/etc/ld.so.cache';
const LD_SO_PRELOAD = '/etc/ld.so.preload';
/** musl maps these to itself: "lib" + one of these tokens up to and including the first '.' (dynlink.c load_library). */
const MUSL_RESERVED = new Set(['c', 'pthread', 'rt', 'm', 'dl', 'util', 'xnet']);
const MUSL_DEFAULT_PATH = '/lib:/usr/local/lib:/usr/lib';

/** A file that was opened and checked. */
interface Opened {
  /** Path as opened. */
  path: string;
  resolution: Resolution;
  elf: ElfInfo;
  cpuDependent: boolean;
}

/** The outcome of probing one candidate. `fatal` stops the search the way ld.so's open_verify errors do. */
type Probe = { kind: 'missing' } | { kind: 'other-class' } | { kind: 'fatal'; message: string } | { kind: 'ok'; opened: Opened };

/**
 * Computes the closure of each root as its own process and merges what must be kept.
 * Roots are image paths of programs (or libraries, e.g. dlopen'ed extension modules).
 */
export async function elfClosure(tree: FileTree, roots: string[], options: ClosureOptions = {}): Promise<ElfClosure> {
  const state = new ClosureState(tree, options);
  for (const root of roots) state.processes.push(await state.loadProcess(root));
  return { kept: state.kept, warnings: state.warnings, processes: state.processes };
}

/**
 * What closures over one tree share: parsed ELF headers, directory probes and the ld.so.cache. An analysis
 * computes one closure per extension module, and thousands of them load the same libc and cache.
 */
interface TreeFacts {
  elf: Map<string, Promise<ElfParseResult>>;
  dirExists: Map<string, boolean>;
  ldCache?: { cache?: LdCache; resolution?: Resolution };
}

const factsByTree = new WeakMap<FileTree, TreeFacts>();

function treeFacts(tree: FileTree): TreeFacts {
  let facts = factsByTree.get(tree);
  if (!facts) factsByTree.set(tree, (facts = { elf: new Map(), dirExists: new Map() }));
  return facts;
}

/**
 * The ELF headers of a regular file of the tree (symlinks followed), read by range and parsed once per tree.
 * Read errors reject (a ContentReadError when the image's bytes cannot be read).
 */
export function elfHeadersOf(tree: FileTree, path: string): Promise<ElfParseResult> {
  const facts = treeFacts(tree);
  let pending = facts.elf.get(path);
  if (!pending) {
    pending = (async () => {
      const real = tree.resolve(path, { followFinal: true });
      const size = real.entry?.size ?? 0;
      return parseElfByRanges(size, async (start, length) => (await tree.readRanges([{ path: real.path, start, size: length }]))[0]);
    })();
    facts.elf.set(path, pending);
  }
  return pending;
}

class ClosureState {
  readonly kept = new Map<string, KeepReason[]>();
  readonly warnings: string[] = [];
  readonly processes: LoadedProcess[] = [];
  private readonly keys = new Set<string>();
  private readonly warned = new Set<string>();
  private readonly facts: TreeFacts;
  private readonly workingDir: string;

  constructor(
    private readonly tree: FileTree,
    readonly options: ClosureOptions,
  ) {
    this.workingDir = options.workingDir ?? '/';
    this.facts = treeFacts(tree);
  }

  keep(path: string, reason: KeepReason): void {
    const key = `${path}\0${reason.reason}\0${reason.by ?? ''}\0${reason.detail}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const reasons = this.kept.get(path);
    if (!reasons) this.kept.set(path, [reason]);
    else reasons.push(reason);
  }

  /** Keeps the file a resolution reached and every symlink crossed on the way. */
  keepResolved(opened: string, resolution: Resolution, reason: KeepReason): void {
    for (const link of resolution.symlinks) {
      this.keep(link, { reason: 'symlink', by: reason.by, detail: `crossed opening ${opened} (${resolution.path})` });
    }
    this.keep(resolution.path, reason);
  }

  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(message);
  }

  /** Kernel-like resolution inside the image; a symlink loop is reported and treated as missing, as ELOOP is. */
  resolve(path: string): Resolution | undefined {
    try {
      return this.tree.resolve(path, { followFinal: true });
    } catch (error) {
      if (!isScratchifyError(error)) throw error;
      this.warn(`cannot resolve ${path}: ${error.message}`);
      return undefined;
    }
  }

  private readElf(realPath: string): Promise<ElfParseResult | undefined> {
    return elfHeadersOf(this.tree, realPath).catch((error: unknown) => {
      if (!isScratchifyError(error) || error instanceof ContentReadError) throw error;
      this.warn(`cannot read ${realPath}: ${error.message}`);
      return undefined;
    });
  }

  /** True when the directory exists; saves probing every file name in absent hwcaps subdirectories. */
  private directoryExists(dir: string): boolean {
    let exists = this.facts.dirExists.get(dir);
    if (exists === undefined) {
      exists = this.resolve(dir)?.entry?.type === 'dir';
      this.facts.dirExists.set(dir, exists);
    }
    return exists;
  }

  /**
   * Opens one candidate the way glibc's open_verify judges it: absent → keep searching; an ELF of another
   * class or machine → keep searching (`found_other_class`); anything else that is not a loadable ELF
   * → the load fails.
   */
  async probe(path: string, main: ElfInfo, cpuDependent: boolean, strictClass: boolean): Promise<Probe> {
    if (!this.directoryExists(posix.dirname(path))) return { kind: 'missing' };
    const resolution = this.resolve(path);
    const entry = resolution?.entry;
    if (!resolution || !entry || entry.type === 'dir') return { kind: 'missing' };
    if (entry.type !== 'file' && entry.type !== 'hardlink') return { kind: 'fatal', message: `${path} is a ${entry.type}, not a library` };
    const parsed = await this.readElf(resolution.path);
    if (!parsed) return { kind: 'missing' };
    if (!parsed.ok) return { kind: 'fatal', message: `${path} is not a loadable ELF file (${parsed.message})` };
    const elf = parsed.elf;
    if (elf.elfClass !== main.elfClass || elf.machine !== main.machine) {
      if (strictClass) return { kind: 'other-class' };
      return { kind: 'fatal', message: `${path} is an ELF for another architecture (class ${elf.elfClass}, machine ${elf.machine})` };
    }
    if (elf.endian !== main.endian) return { kind: 'fatal', message: `${path} has the wrong byte order` };
    if (elf.type !== 'dyn' && elf.type !== 'exec') return { kind: 'fatal', message: `${path} is not a shared object (e_type ${elf.type})` };
    return { kind: 'ok', opened: { path, resolution, elf, cpuDependent } };
  }

  async loadProcess(root: string): Promise<LoadedProcess> {
    const process: LoadedProcess = { root, flavor: 'static', objects: [] };
    const resolution = this.resolve(root);
    if (!resolution?.entry || (resolution.entry.type !== 'file' && resolution.entry.type !== 'hardlink')) {
      this.warn(`${root} does not exist or is not a regular file`);
      return process;
    }
    this.keepResolved(root, resolution, { reason: 'root', by: resolution.path, detail: `requested ${root}` });
    const parsed = await this.readElf(resolution.path);
    if (!parsed?.ok) {
      this.warn(`${root} is not an ELF file${parsed ? ` (${parsed.message})` : ''}`);
      return process;
    }
    const elf = parsed.elf;
    const arch = this.options.arch !== undefined ? loaderArchNamed(this.options.arch) : loaderArchFor(elf.elfClass, elf.machine);
    if (!arch) {
      this.warn(`${root}: no loader facts for ${this.options.arch ?? `ELF class ${elf.elfClass} machine ${elf.machine}`}; its libraries are not followed`);
      return process;
    }
    if (elf.linkage !== 'dynamic') return process;

    const muslInterp = elf.interpreter !== undefined && /(^|\/)ld-musl-[^/]*$/.test(elf.interpreter);
    const flavor = this.options.libc ?? (muslInterp || (elf.interpreter === undefined && this.looksMusl(arch)) ? 'musl' : 'glibc');
    process.flavor = flavor;
    // $ORIGIN of the main program is the directory of /proc/self/exe, i.e. fully resolved (dl-origin.c,
    // musl fixup_rpath). A library root (no PT_INTERP, not PIE-flagged) is one that gets dlopen'ed by path:
    // its origin is the directory of the path as given (dl-object.c).
    const isProgram = elf.interpreter !== undefined || elf.type === 'exec';
    const main: LoadedObject = {
      path: isProgram ? resolution.path : root,
      realPath: resolution.path,
      elf,
      via: 'root',
      variant: false,
      needed: [],
    };
    const loader = flavor === 'musl' ? new MuslProcess(this, process, main, arch) : new GlibcProcess(this, process, main, arch);
    await loader.run();
    return process;
  }

  /** For a root without PT_INTERP (a library), decide by what the image carries. */
  private looksMusl(arch: LoaderArch): boolean {
    return this.resolve(`/lib/ld-musl-${arch.muslArch}.so.1`)?.entry !== undefined;
  }

  /** The image's ld.so.cache, read once; undefined when absent or unreadable (ld.so then ignores it). */
  async glibcCache(): Promise<{ cache?: LdCache; resolution?: Resolution }> {
    if (!this.facts.ldCache) {
      this.facts.ldCache = {};
      const resolution = this.resolve(LD_SO_CACHE);
      if (resolution?.entry && (resolution.entry.type === 'file' || resolution.entry.type === 'hardlink')) {
        try {
          const parsed = parseLdCache(await this.tree.readFile(resolution.path));
          if (parsed.ok) this.facts.ldCache = { cache: parsed.cache, resolution };
          else this.warn(`${LD_SO_CACHE} is ignored: ${parsed.message}`);
        } catch (error) {
          if (!isScratchifyError(error)) throw error;
          this.warn(`cannot read ${LD_SO_CACHE}: ${error.message}`);
        }
      }
    }
    return this.facts.ldCache;
  }

  /** A small text file of the image (ld.so.preload, ld-musl path); undefined when unreadable, with a warning. */
  async readText(path: string): Promise<string | undefined> {
    try {
      return (await this.tree.readFile(path)).toString('utf8');
    } catch (error) {
      if (!isScratchifyError(error)) throw error;
      this.warn(`cannot read ${path}: ${error.message}`);
      return undefined;
    }
  }

  absolute(path: string): string {
    return path.startsWith('/') ? path : `${this.workingDir.replace(/\/+$/, '')}/${path}`;
  }
}

/** Joins a search directory and a file name the way ld.so builds candidate names: no lexical normalisation. */
function candidatePath(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`.replace(/\/{2,}/g, '/');
}

/** State shared by both loader flavours for one process. */
abstract class ProcessLoader {
  protected readonly objects: LoadedObject[];
  protected readonly byReal = new Map<string, LoadedObject>();

  constructor(
    protected readonly state: ClosureState,
    protected readonly process: LoadedProcess,
    protected readonly main: LoadedObject,
    protected readonly arch: LoaderArch,
  ) {
    this.objects = process.objects;
    this.add(main);
  }

  protected add(object: LoadedObject): void {
    this.objects.push(object);
    if (!this.byReal.has(object.realPath)) this.byReal.set(object.realPath, object);
  }

  protected origin(object: LoadedObject): string {
    return posix.dirname(object.path);
  }

  /** Records a newly opened object and its kept paths; returns the object to use (an earlier copy of the same file wins). */
  protected admit(opened: Opened, via: FoundVia, needer: LoadedObject, reason: KeepReason, variant: boolean): LoadedObject {
    this.state.keepResolved(opened.path, opened.resolution, reason);
    const same = this.byReal.get(opened.resolution.path);
    // ld.so compares dev/inode after opening (_dl_map_object_from_fd) and reuses the loaded copy.
    if (same) return same;
    const object: LoadedObject = { path: opened.path, realPath: opened.resolution.path, elf: opened.elf, via, variant, loader: needer, needed: [] };
    this.add(object);
    return object;
  }

  /** Breadth-first over DT_NEEDED in file order, as _dl_map_object_deps does. */
  protected async walk(queue: LoadedObject[]): Promise<void> {
    const done = new Set<LoadedObject>();
    for (let i = 0; i < queue.length; i++) {
      const object = queue[i];
      if (done.has(object)) continue;
      done.add(object);
      for (const name of object.elf.needed) {
        const found = await this.loadNeeded(name, object);
        object.needed.push({ name, path: found[0]?.path, realPath: found[0]?.realPath });
        if (found.length === 0) this.state.warn(`${object.realPath}: DT_NEEDED ${name} not found`);
        for (const dep of found) if (!done.has(dep)) queue.push(dep);
      }
    }
  }

  abstract run(): Promise<void>;
  protected abstract loadNeeded(name: string, needer: LoadedObject): Promise<LoadedObject[]>;
}

/** glibc 2.36 `_dl_map_object` (runtime-deps.md §1.2). */
class GlibcProcess extends ProcessLoader {
  private readonly systemDirs: string[];
  private readonly subdirs: string[];

  constructor(state: ClosureState, process: LoadedProcess, main: LoadedObject, arch: LoaderArch) {
    super(state, process, main, arch);
    // Debian's trusted directories in ld.so's order (`ld.so --help` on bookworm); not /lib64, not /usr/local/lib.
    this.systemDirs = [`/lib/${arch.triplet}`, `/usr/lib/${arch.triplet}`, '/lib', '/usr/lib'];
    this.subdirs = [...arch.hwcapsSubdirs.map((s) => `glibc-hwcaps/${s}`), ...(state.options.legacyHwcaps !== false ? arch.legacyHwcapsSubdirs : [])];
  }

  /** Names a loaded object answers to: the names it was loaded under and its DT_SONAME (_dl_name_match_p + l_soname). */
  private readonly names = new Map<string, LoadedObject>();

  private register(name: string, object: LoadedObject): void {
    if (!this.names.has(name)) this.names.set(name, object);
    if (object.elf.soname !== undefined && !this.names.has(object.elf.soname)) this.names.set(object.elf.soname, object);
  }

  async run(): Promise<void> {
    const main = this.main;
    const interp = main.elf.interpreter;
    if (interp !== undefined) {
      // The kernel opens PT_INTERP literally in the container root; the loader is then already mapped and
      // answers to its path and SONAME (libc.so.6 needs ld-linux-x86-64.so.2 and gets this copy).
      const resolution = this.state.resolve(interp);
      if (!resolution?.entry) {
        this.state.warn(`${main.realPath}: interpreter ${interp} not found`);
      } else {
        const parsed = await this.state.probe(interp, main.elf, false, false);
        if (parsed.kind === 'ok') {
          const rtld = this.admit(parsed.opened, 'interpreter', main, { reason: 'interpreter', by: main.realPath, detail: `PT_INTERP ${interp}` }, false);
          this.register(interp, rtld);
        } else {
          this.state.keepResolved(interp, resolution, { reason: 'interpreter', by: main.realPath, detail: `PT_INTERP ${interp}` });
          this.state.warn(`${main.realPath}: interpreter ${interp} is unusable`);
        }
      }
    }
    const preloads = await this.loadPreloads();
    await this.walk([main, ...preloads]);
  }

  /** LD_PRELOAD, then /etc/ld.so.preload (rtld.c dl_main), loaded on behalf of the program before its DT_NEEDED. */
  private async loadPreloads(): Promise<LoadedObject[]> {
    const loaded: LoadedObject[] = [];
    const load = async (name: string, source: string): Promise<void> => {
      const found = await this.loadNeeded(name, this.main, { reason: 'preload', detail: `${source} ${name}` });
      if (found.length === 0) this.state.warn(`${this.main.realPath}: ${source} ${name} not found`);
      loaded.push(...found);
    };
    for (const name of (this.state.options.ldPreload ?? '').split(/[\s:]+/).filter(Boolean)) await load(name, 'LD_PRELOAD');
    const file = this.state.resolve(LD_SO_PRELOAD);
    if (file?.entry && (file.entry.type === 'file' || file.entry.type === 'hardlink')) {
      this.state.keepResolved(LD_SO_PRELOAD, file, { reason: 'preload', by: this.main.realPath, detail: 'ld.so reads it at every start' });
      const text = (await this.state.readText(file.path)) ?? '';
      for (const name of text.split(/\s+/).filter(Boolean)) await load(name, LD_SO_PRELOAD);
    }
    return loaded;
  }

  private expand(text: string, object: LoadedObject): DstExpansion[] {
    return expandGlibcDst(text, { origin: this.origin(object), lib: `lib/${this.arch.triplet}`, platforms: this.arch.platforms });
  }

  protected override origin(object: LoadedObject): string {
    return object === this.main ? posix.dirname(object.realPath) : posix.dirname(object.path);
  }

  /** decompose_rpath/fillin_rpath: split, expand DSTs, an empty element is the working directory, relative ones too. */
  private searchDirs(list: string, separators: RegExp, object: LoadedObject): DstExpansion[][] {
    return list.split(separators).map((element) =>
      element === '' ? [{ value: this.state.absolute('.'), cpuDependent: false }] : this.expand(element, object).map((e) => ({ ...e, value: this.state.absolute(e.value) })),
    );
  }

  /**
   * open_path over a list of directory elements. Every directory is tried with each hwcaps subdirectory
   * first, then plain. The CPU is unknown, so CPU-dependent hits (subdirectories, `$PLATFORM`) are kept
   * and the search goes on until a CPU-independent hit is found, which is the primary result.
   */
  private async searchPath(elements: DstExpansion[][], name: string, sink: Opened[]): Promise<'found' | 'fatal' | 'missing'> {
    for (const expansions of elements) {
      for (const expansion of expansions) {
        const candidates = [...this.subdirs.map((sub) => ({ dir: `${expansion.value.replace(/\/+$/, '')}/${sub}`, cpu: true })), { dir: expansion.value, cpu: expansion.cpuDependent }];
        for (const candidate of candidates) {
          const path = candidatePath(candidate.dir, name);
          const probe = await this.state.probe(path, this.main.elf, candidate.cpu, true);
          if (probe.kind === 'fatal') {
            this.state.warn(`${probe.message}; ld.so stops searching for ${name}`);
            return 'fatal';
          }
          if (probe.kind === 'ok') {
            sink.push(probe.opened);
            if (!candidate.cpu) return 'found';
          }
        }
      }
    }
    return 'missing';
  }

  private isSystemPath(path: string): boolean {
    return this.systemDirs.some((dir) => path.startsWith(`${dir}/`));
  }

  protected async loadNeeded(name: string, needer: LoadedObject, as?: { reason: KeepReasonKind; detail: string }): Promise<LoadedObject[]> {
    const known = this.names.get(name);
    if (known) return [known];
    const reasonFor = (via: FoundVia, opened: Opened): KeepReason => ({
      reason: as?.reason ?? 'needed',
      by: needer.realPath,
      detail: `${as?.detail ?? `DT_NEEDED ${name}`} found via ${via} as ${opened.path}${opened.cpuDependent ? ' (CPU-specific variant)' : ''}`,
    });
    const accept = (hits: Opened[], via: FoundVia): LoadedObject[] => {
      const primary = hits.find((h) => !h.cpuDependent) ?? hits[0];
      const objects: LoadedObject[] = [];
      for (const hit of [primary, ...hits.filter((h) => h !== primary)]) {
        const object = this.admit(hit, via, needer, reasonFor(via, hit), hit !== primary);
        if (!objects.includes(object)) objects.push(object);
      }
      this.register(name, objects[0]);
      return objects;
    };

    if (name.includes('/')) {
      // A name with a slash is a path: DSTs expanded, opened as is (relative → process cwd), no search.
      const hits: Opened[] = [];
      for (const expansion of this.expand(name, needer)) {
        const probe = await this.state.probe(this.state.absolute(expansion.value), this.main.elf, expansion.cpuDependent, false);
        if (probe.kind === 'ok') hits.push(probe.opened);
        else if (probe.kind === 'fatal') this.state.warn(probe.message);
      }
      return hits.length > 0 ? accept(hits, 'path') : [];
    }

    const hits: Opened[] = [];
    const attempt = async (elements: DstExpansion[][]): Promise<'found' | 'fatal' | 'missing'> => this.searchPath(elements, name, hits);

    // DT_RPATH of the loading chain, only when the needer has no DT_RUNPATH (dl-load.c L2032). An object
    // with both tags has its RPATH dropped (get-dynamic-info.h), so it contributes nothing to the chain.
    if (needer.elf.runpath === undefined) {
      for (let l: LoadedObject | undefined = needer; l; l = l.loader) {
        if (l.elf.rpath === undefined || l.elf.runpath !== undefined) continue;
        const outcome = await attempt(this.searchDirs(l.elf.rpath, /:/, l));
        if (outcome === 'fatal') return hits.length > 0 ? accept(hits, 'rpath') : [];
        if (outcome === 'found') return accept(hits, 'rpath');
      }
    }
    const llp = this.state.options.ldLibraryPath;
    if (llp !== undefined && llp !== '') {
      // LD_LIBRARY_PATH splits on ':' and ';' and its DSTs expand against the main program (_dl_init_paths).
      const outcome = await attempt(this.searchDirs(llp, /[:;]/, this.main));
      if (outcome !== 'missing') return outcome === 'found' || hits.length > 0 ? accept(hits, 'LD_LIBRARY_PATH') : [];
    }
    if (needer.elf.runpath !== undefined) {
      const outcome = await attempt(this.searchDirs(needer.elf.runpath, /:/, needer));
      if (outcome !== 'missing') return outcome === 'found' || hits.length > 0 ? accept(hits, 'runpath') : [];
    }

    const nodeflib = (needer.elf.dtFlags1 & DF_1_NODEFLIB) !== 0;
    const { cache, resolution: cacheFile } = await this.state.glibcCache();
    if (cache) {
      const cacheHits: Opened[] = [];
      for (const entry of lookupLdCache(cache, name, this.arch.cacheFlags)) {
        // DF_1_NODEFLIB rejects cached paths under the system directories (dl-load.c L2118+).
        if (nodeflib && this.isSystemPath(entry.path)) continue;
        const probe = await this.state.probe(entry.path, this.main.elf, entry.hwcapsSubdir !== undefined, true);
        if (probe.kind === 'ok') cacheHits.push(probe.opened);
      }
      // A cached path that no longer exists falls through to the default directories.
      if (cacheHits.length > 0) {
        const objects = accept([...hits, ...cacheHits], 'ld.so.cache');
        await this.keepCacheIfNeeded(name, needer, cacheHits, cacheFile);
        if (cacheHits.some((h) => !h.cpuDependent)) return objects;
        hits.push(...cacheHits);
      }
    }
    if (!nodeflib) {
      const outcome = await attempt(this.systemDirs.map((dir) => [{ value: dir, cpuDependent: false }]));
      if (outcome === 'found' || hits.length > 0) return accept(hits, 'default-dirs');
    }
    return hits.length > 0 ? accept(hits, 'ld.so.cache') : [];
  }

  /** The cache must ship when a library found through it is not what the default directories would give. */
  private async keepCacheIfNeeded(name: string, needer: LoadedObject, cacheHits: Opened[], cacheFile: Resolution | undefined): Promise<void> {
    if (!cacheFile) return;
    const fallback: Opened[] = [];
    await this.searchPath(this.systemDirs.map((dir) => [{ value: dir, cpuDependent: false }]), name, fallback);
    const reachable = new Set(fallback.map((f) => f.resolution.path));
    const onlyCached = cacheHits.filter((hit) => !reachable.has(hit.resolution.path));
    if (onlyCached.length === 0) return;
    this.state.keepResolved(LD_SO_CACHE, cacheFile, {
      reason: 'ld.so.cache',
      by: needer.realPath,
      detail: `${name} → ${onlyCached.map((h) => h.path).join(', ')} is found only through the cache`,
    });
  }
}

/** musl `load_library` (runtime-deps.md §1.12). */
class MuslProcess extends ProcessLoader {
  private readonly shortNames = new Map<string, LoadedObject>();
  private rtld: LoadedObject | undefined;
  private systemPath: string[] = [];

  async run(): Promise<void> {
    const interp = this.main.elf.interpreter ?? `/lib/ld-musl-${this.arch.muslArch}.so.1`;
    const probe = await this.state.probe(interp, this.main.elf, false, false);
    const detail = `PT_INTERP ${interp} (musl: the loader is libc)`;
    if (probe.kind === 'ok') {
      this.rtld = this.admit(probe.opened, 'interpreter', this.main, { reason: 'interpreter', by: this.main.realPath, detail }, false);
    } else {
      this.state.warn(`${this.main.realPath}: musl loader ${interp} ${probe.kind === 'fatal' ? `is unusable: ${probe.message}` : 'not found'}`);
    }
    this.systemPath = await this.readSystemPath(interp);
    await this.walk([this.main]);
  }

  /**
   * `<prefix>/etc/ld-musl-$ARCH.path`, prefix = the loader path without its last two components. Missing
   * → the built-in default; present → its `:`/newline separated elements (an empty file means none).
   */
  private async readSystemPath(interp: string): Promise<string[]> {
    const slashes = [...interp].flatMap((c, i) => (c === '/' ? [i] : []));
    const prefix = interp.startsWith('/') && slashes.length >= 2 ? interp.slice(0, slashes[slashes.length - 2]) : '';
    const file = `${prefix}/etc/ld-musl-${this.arch.muslArch}.path`;
    const resolution = this.state.resolve(file);
    if (!resolution?.entry) return MUSL_DEFAULT_PATH.split(':');
    this.state.keepResolved(file, resolution, { reason: 'musl-path', by: this.main.realPath, detail: 'replaces the default library path' });
    const text = (await this.state.readText(resolution.path)) ?? '';
    return text.split(/[:\n]/).filter(Boolean);
  }

  protected override origin(object: LoadedObject): string {
    return object === this.main ? posix.dirname(object.realPath) : posix.dirname(object.path);
  }

  protected async loadNeeded(name: string, needer: LoadedObject): Promise<LoadedObject[]> {
    const reserved = /^lib([^.]*)\./.exec(name);
    if (reserved && MUSL_RESERVED.has(reserved[1]) && this.rtld) {
      // The loader is libc: no file lookup.
      return [this.rtld];
    }
    const known = this.shortNames.get(name);
    if (known) return [known];
    const reason = (opened: Opened, via: FoundVia): KeepReason => ({ reason: 'needed', by: needer.realPath, detail: `DT_NEEDED ${name} found via ${via} as ${opened.path}` });
    const take = (opened: Opened, via: FoundVia): LoadedObject[] => {
      const object = this.admit(opened, via, needer, reason(opened, via), false);
      this.shortNames.set(name, object);
      return [object];
    };

    if (name.includes('/')) {
      const probe = await this.state.probe(this.state.absolute(name), this.main.elf, false, false);
      if (probe.kind === 'fatal') this.state.warn(probe.message);
      return probe.kind === 'ok' ? take(probe.opened, 'path') : [];
    }

    const tryDirs = async (dirs: string[], via: FoundVia): Promise<LoadedObject[] | 'fatal' | undefined> => {
      for (const dir of dirs) {
        // path_open: the first file that opens wins; musl does not skip other architectures, the load then fails.
        const probe = await this.state.probe(candidatePath(this.state.absolute(dir), name), this.main.elf, false, false);
        if (probe.kind === 'ok') return take(probe.opened, via);
        if (probe.kind === 'fatal') {
          this.state.warn(`${probe.message}; musl fails to load ${name}`);
          return 'fatal';
        }
      }
      return undefined;
    };
    const settle = (outcome: LoadedObject[] | 'fatal' | undefined): LoadedObject[] | undefined => (outcome === 'fatal' ? [] : outcome);

    // musl searches LD_LIBRARY_PATH before any rpath.
    const llp = this.state.options.ldLibraryPath;
    if (llp) {
      const found = settle(await tryDirs(llp.split(/[:\n]/).filter(Boolean), 'LD_LIBRARY_PATH'));
      if (found) return found;
    }
    // musl keeps DT_RUNPATH if present, else DT_RPATH, and walks the whole needed_by chain for both.
    for (let l: LoadedObject | undefined = needer; l; l = l.loader) {
      const raw = l.elf.runpath ?? l.elf.rpath;
      if (raw === undefined) continue;
      const expanded = expandMuslDst(raw, this.origin(l));
      if (expanded === undefined) continue;
      const found = settle(await tryDirs(expanded.split(':').filter(Boolean), l.elf.runpath !== undefined ? 'runpath' : 'rpath'));
      if (found) return found;
    }
    return settle(await tryDirs(this.systemPath, 'musl-path')) ?? [];
  }
}
