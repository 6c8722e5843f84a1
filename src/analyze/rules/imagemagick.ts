/**
 * ImageMagick: `libMagickCore` reads its XML configuration (`delegates.xml`, `policy.xml`, `colors.xml`,
 * `type.xml` and the files it `<include>`s…) by name from its configure path (the compiled-in
 * `/etc/ImageMagick-<n>/`, the library's `config-Q<d>/` directory, `$MAGICK_CONFIGURE_PATH`), and loads a
 * coder module per image format from its coder directory (`modules-Q<d>/coders/<format>.la`, a libtool
 * file naming the `.so`, found through `$MAGICK_CODER_MODULE_PATH` too) the first time that format is read or
 * written (MagickCore/module.c, configure.c).
 *
 * The configuration files the library names are kept (all small). The formats are chosen at run time from
 * file names and `FORMAT:` prefixes, so the coders kept are those of the formats named where ImageMagick is
 * run: the container's command line and the shell scripts that run its programs (`convert in.png txt:-`:
 * `png` by the file's extension, `txt` by the prefix), each with the script and line. A format an
 * ImageMagick program detects from file content alone, or that a script builds at run time, is not seen:
 * keep its coder with `--keep`.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { cStringsMatching } from './binary-strings';
import { entryAt, perRun } from './run-state';
import { readXmlConfig } from './xml-config';

const LIBMAGICKCORE = /^libMagickCore-[\w.-]*\.so/;
/** The programs of ImageMagick 6 and 7 whose arguments name formats. */
const PROGRAMS = /(^|[\s;&|(`'"/])(magick|convert|identify|mogrify|composite|montage|compare|conjure|stream|animate|display|import)(-im[67](\.q\d+(hdri)?)?)?(?=\s)/;
const SCRIPT_LIMIT = 1024 * 1024;
const LIBTOOL_LIMIT = 64 * 1024;
const INCLUDE_DEPTH = 8;

/** Where a format was named: a line of a script, or the container's command line. */
interface Naming {
  by: string;
  detail: string;
  origin?: { path: string; line: number };
}

interface MagickState {
  /** Coder directories of the kept libMagickCore copies. */
  coderDirs: string[];
  /** Formats named so far (lower case), with the first place that named each. */
  formats: Map<string, Naming>;
  /** Formats whose coder was looked up. */
  done: Set<string>;
  libraries: Set<string>;
  commandLineRead: boolean;
}

const stateOf = perRun<MagickState>(() => ({ coderDirs: [], formats: new Map(), done: new Set(), libraries: new Set(), commandLineRead: false }));

/**
 * The format names in a text where ImageMagick is run: `FORMAT:` prefixes of words (`txt:-`, `png:out`) and
 * file name extensions (`in.png`), lower-cased, each with its 1-based line.
 */
export function namedFormats(text: string): Array<{ format: string; line: number }> {
  const found: Array<{ format: string; line: number }> = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/(^|\s)#.*$/, '');
    for (const match of line.matchAll(/(?:^|[\s'"=(])([A-Za-z][A-Za-z0-9-]{1,15}):(?!\/\/)/g)) found.push({ format: match[1].toLowerCase(), line: index + 1 });
    for (const match of line.matchAll(/[\w-]\.([A-Za-z][A-Za-z0-9]{1,7})(?=$|[\s'"):;\[])/g)) found.push({ format: match[1].toLowerCase(), line: index + 1 });
  }
  return found;
}

/** The `dlname` of a libtool `.la` file: the shared object the loader opens. */
export function libtoolDlname(text: string): string | undefined {
  const match = /^dlname='([^'\n/]+)'/m.exec(text);
  return match?.[1];
}

async function keepCoder(context: AnalysisContext, state: MagickState, format: string, naming: Naming): Promise<void> {
  for (const dir of state.coderDirs) {
    const la = posix.join(dir, `${format}.la`);
    const entry = entryAt(context, la);
    if (entry?.type !== 'file' && entry?.type !== 'hardlink') continue;
    const reason: Reason = { rule: 'imagemagick-coder', by: naming.by, detail: `coder module of the ${format.toUpperCase()} format, ${naming.detail}`, ...(naming.origin ? { origin: naming.origin } : {}) };
    context.keep(la, reason);
    if (entry.size > LIBTOOL_LIMIT) continue;
    const dlname = libtoolDlname((await context.read(la)).toString('utf8'));
    if (dlname !== undefined) context.keep(posix.join(dir, dlname), { ...reason, detail: `${reason.detail} (dlname of ${format}.la)` });
    return;
  }
}

async function flush(context: AnalysisContext, state: MagickState): Promise<void> {
  if (state.coderDirs.length === 0) return;
  for (const [format, naming] of state.formats) {
    if (state.done.has(format)) continue;
    state.done.add(format);
    await keepCoder(context, state, format, naming);
  }
}

function noteFormats(state: MagickState, text: string, naming: (line: number) => Naming): void {
  for (const { format, line } of namedFormats(text)) if (!state.formats.has(format)) state.formats.set(format, naming(line));
}

/** Keeps an XML configuration file and the files its `<include file="…"/>` elements name. */
async function keepConfig(context: AnalysisContext, file: string, reason: Reason, depth: number, seen: Set<string>): Promise<void> {
  if (seen.has(file) || depth > INCLUDE_DEPTH) return;
  seen.add(file);
  if (context.keep(file, reason) === undefined) return;
  for (const element of (await readXmlConfig(context, file)) ?? []) {
    const included = element.name === 'include' ? element.attributes.file : undefined;
    if (!included || included.includes('\0')) continue;
    const path = posix.resolve(posix.dirname(file), included);
    if (entryAt(context, path) === undefined) continue;
    await keepConfig(context, path, { rule: 'imagemagick-config', by: file, detail: `<include> at line ${element.line}`, origin: { path: file, line: element.line } }, depth + 1, seen);
  }
}

async function inspectLibrary(path: string, context: AnalysisContext, state: MagickState): Promise<void> {
  if (state.libraries.has(path)) return;
  state.libraries.add(path);
  const content = await context.read(path);
  const env = context.env;
  const fromEnv = (name: string) => env.get(name)?.split(':').filter((dir) => dir.startsWith('/')) ?? [];
  const strings = cStringsMatching(content, /^\/[\w.+/-]+$/);
  const configDirs = [...fromEnv('MAGICK_CONFIGURE_PATH'), ...strings.filter((dir) => /\/(ImageMagick-[\w.]+|config-Q\d+\w*)\/$/.test(dir))].map((dir) => posix.normalize(dir));
  const names = cStringsMatching(content, /^[a-z][a-z-]*\.xml$/);
  const seen = new Set<string>();
  for (const dir of new Set(configDirs)) {
    if (entryAt(context, dir)?.type !== 'dir') continue;
    for (const name of names) {
      const file = posix.join(dir, name);
      if (entryAt(context, file) === undefined) continue;
      await keepConfig(context, file, { rule: 'imagemagick-config', by: path, detail: `ImageMagick reads ${name} from its configure path ${dir}` }, 0, seen);
    }
  }
  for (const dir of [...fromEnv('MAGICK_CODER_MODULE_PATH'), ...strings.filter((dir) => /\/coders$/.test(dir))]) {
    const normal = posix.normalize(dir);
    if (entryAt(context, normal)?.type === 'dir' && !state.coderDirs.includes(normal)) state.coderDirs.push(normal);
  }
  if (!state.commandLineRead) {
    state.commandLineRead = true;
    const argv = [...(context.config.Entrypoint ?? []), ...(context.config.Cmd ?? [])];
    noteFormats(state, argv.join('\n'), () => ({ by: path, detail: "named in the container's command line" }));
  }
}

export const imagemagickRule: FileRule = {
  id: 'imagemagick',
  description: "ImageMagick's XML configuration and the coder modules of the formats named where it is run",
  async inspect(file, context) {
    const state = stateOf(context);
    if (file.head[0] === 0x7f) {
      if (LIBMAGICKCORE.test(posix.basename(file.path))) await inspectLibrary(file.path, context, state);
    } else if (file.head[0] === 0x23 && file.head[1] === 0x21 && file.entry.size <= SCRIPT_LIMIT && !file.head.includes(0)) {
      const text = (await context.read(file.path)).toString('utf8');
      if (!PROGRAMS.test(text)) return;
      noteFormats(state, text, (line) => ({ by: file.path, detail: `named at line ${line} of a script that runs ImageMagick`, origin: { path: file.path, line } }));
    } else {
      return;
    }
    await flush(context, state);
  },
};
