/**
 * fontconfig: `libfontconfig` reads `fonts.conf` from its compiled-in configuration directory (`/etc/fonts`;
 * `$FONTCONFIG_FILE` and `$FONTCONFIG_PATH` override), follows its `<include>`s (a directory includes its
 * `*.conf` files in name order), and lists the fonts of every `<dir>`, reading the caches of `<cachedir>`
 * (fonts-conf(5)). The config files, the caches and the font directories are kept, each with the file and
 * line that named it. A font directory is kept whole: which font matches is decided at run time from the
 * family, style and language the program asks for and the `<match>` rules, and fontconfig lists the whole
 * directory to answer, so no finer static choice is faithful. `prefix="xdg"` and `~` entries name the
 * user's home, which an image does not configure.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, Reason } from '../types';
import { cStringsMatching } from './binary-strings';
import { entryAt, perRun } from './run-state';
import { readXmlConfig } from './xml-config';

const LIBFONTCONFIG = /^libfontconfig\.so\.\d+/;
const CONFIG_FILE = 'fonts.conf';
/**
 * The configuration directory of every distribution's build (`--sysconfdir=/etc`). Compilers inline the short
 * string into code, so it is not always a C string in the library; any `…/fonts` string found is tried first.
 */
const DEFAULT_CONFIG_DIR = '/etc/fonts';
/** Include depth beyond this is a loop or hostile; fontconfig itself refuses cycles. */
const INCLUDE_DEPTH = 16;

const stateOf = perRun(() => ({ done: new Set<string>() }));

function isUserPath(value: string, attributes: Record<string, string>): boolean {
  return value.startsWith('~') || attributes.prefix === 'xdg' || attributes.prefix === 'relative' || value === '';
}

async function walk(context: AnalysisContext, file: string, reason: Reason, depth: number, seen: Set<string>): Promise<void> {
  if (seen.has(file) || depth > INCLUDE_DEPTH) return;
  seen.add(file);
  if (context.keep(file, reason) === undefined) return;
  const elements = await readXmlConfig(context, file);
  for (const element of elements ?? []) {
    const value = element.text;
    if (isUserPath(value, element.attributes) || value.includes('\0')) continue;
    const origin = { path: file, line: element.line };
    const path = posix.resolve(posix.dirname(file), value);
    if (element.name === 'include') {
      const entry = entryAt(context, path);
      const detail = `<include> at line ${element.line}`;
      if (entry?.type === 'dir') {
        context.keep(path, { rule: 'fontconfig-config', by: file, detail, origin });
        const names = context.tree.list(context.tree.resolve(path).path).filter((name) => name.endsWith('.conf')).sort();
        for (const name of names) await walk(context, posix.join(path, name), { rule: 'fontconfig-config', by: file, detail: `${detail} (every *.conf of ${path})`, origin }, depth + 1, seen);
      } else if (entry !== undefined) {
        await walk(context, path, { rule: 'fontconfig-config', by: file, detail, origin }, depth + 1, seen);
      }
    } else if (element.name === 'dir' || element.name === 'cachedir') {
      if (entryAt(context, path)?.type !== 'dir') continue;
      const detail =
        element.name === 'dir'
          ? `font directory <dir> at line ${element.line}: the font that matches is chosen at run time from the whole directory`
          : `font cache <cachedir> at line ${element.line}`;
      context.keepTree(path, { rule: element.name === 'dir' ? 'fontconfig-fonts' : 'fontconfig-cache', by: file, detail, origin });
    }
  }
}

export const fontconfigRule: FileRule = {
  id: 'fontconfig',
  description: "fontconfig's configuration, its includes, font directories and caches",
  async inspect(file, context) {
    if (file.head[0] !== 0x7f || !LIBFONTCONFIG.test(posix.basename(file.path))) return;
    const state = stateOf(context);
    const fromEnv = context.env.get('FONTCONFIG_FILE');
    const dirs = [...(context.env.get('FONTCONFIG_PATH')?.split(':') ?? []), ...cStringsMatching(await context.read(file.path), /^\/[\w.+/-]*\/fonts$/), DEFAULT_CONFIG_DIR];
    const main = fromEnv ? [posix.resolve(dirs[0] ?? '/', fromEnv)] : dirs.map((dir) => posix.join(dir, CONFIG_FILE));
    const config = main.find((path) => entryAt(context, path) !== undefined);
    if (config === undefined || state.done.has(config)) return;
    state.done.add(config);
    const seen = new Set<string>();
    await walk(context, config, { rule: 'fontconfig-config', by: file.path, detail: `libfontconfig reads ${config}` }, 0, seen);
    // The template directory (CONFIGDIR, `conf.avail`) is compiled in: loading the configuration reads every
    // template there, enabled or not (a traced run opens them all), so its *.conf files are kept.
    for (const dir of cStringsMatching(await context.read(file.path), /^\/[\w.+/-]*\/conf\.avail$/)) {
      if (entryAt(context, dir)?.type !== 'dir') continue;
      for (const name of context.tree.list(context.tree.resolve(dir).path).filter((entry) => entry.endsWith('.conf')).sort()) {
        await walk(context, posix.join(dir, name), { rule: 'fontconfig-config', by: file.path, detail: `template of libfontconfig's compiled-in directory ${dir}` }, 0, seen);
      }
    }
  },
};
