/**
 * Graphviz: `libgvc` loads its plugins (layouts, renderers, devices, text layout, image loaders) from the
 * libraries listed in the plugin registry `config<version>` (`config6a`) of its compiled-in plugin directory
 * (GVLIBDIR, or `$GVBINDIR`), written by `dot -c` at install time (lib/gvc/gvconfig.c). A library is opened
 * only when one of its plugins is selected, so what the container needs follows from its command line:
 * the output format of `-T<format>[:renderer]` (default `dot`), the layout of `-K<layout>` or the program's
 * name (`dot`, `neato`, …), and the text layout plugins, which every context loads to measure labels. When
 * the command line does not say (the program is run by a script, or with arguments from the environment),
 * every library of the registry is kept, and the reason says why.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule } from '../types';
import { cStringsMatching } from './binary-strings';
import { entryAt, perRun } from './run-state';

const LIBGVC = /^libgvc\.so\.\d+/;
const REGISTRY_NAME = /^config\d+[a-z]*$/;
const REGISTRY_LIMIT = 1024 * 1024;
/** Programs of the Graphviz distribution whose name is their layout engine (cmd/dot/dot.c). */
const LAYOUT_PROGRAMS = new Set(['dot', 'neato', 'twopi', 'circo', 'fdp', 'sfdp', 'patchwork', 'osage']);

/** One plugin of the registry: API (`render`, `device`, `layout`…), type (`svg`), what it needs (`cairo`). */
export interface GraphvizPlugin {
  api: string;
  type: string;
  feature?: string;
  /** Higher wins when several libraries offer the same type (gvplugin_install keeps each list sorted by it). */
  quality: number;
  line: number;
}

/** One library of the registry and the plugins it provides. */
export interface GraphvizLibrary {
  path: string;
  line: number;
  plugins: GraphvizPlugin[];
}

/**
 * Parses a `config6a` registry: `<library> <package> {` blocks holding `<api> {` blocks of `<type>[:<feature>]
 * <quality>` lines; `#` starts a comment. Malformed lines are skipped.
 */
export function parseGraphvizRegistry(text: string): GraphvizLibrary[] {
  const libraries: GraphvizLibrary[] = [];
  let library: GraphvizLibrary | undefined;
  let api: string | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/#.*/, '').trim();
    if (line === '') continue;
    if (line === '}') {
      if (api !== undefined) api = undefined;
      else library = undefined;
      continue;
    }
    const open = /^(\S+)(?:\s+(\S+))?\s*\{$/.exec(line);
    if (open) {
      if (library === undefined && open[2] !== undefined) libraries.push((library = { path: open[1], line: index + 1, plugins: [] }));
      else if (library !== undefined && open[2] === undefined) api = open[1];
      continue;
    }
    const plugin = /^([^\s:]+)(?::(\S+))?\s+(-?\d+)$/.exec(line);
    if (plugin && library !== undefined && api !== undefined) {
      library.plugins.push({ api, type: plugin[1], ...(plugin[2] ? { feature: plugin[2] } : {}), quality: Number(plugin[3]), line: index + 1 });
    }
  }
  return libraries;
}

/** What the container's command line asks of Graphviz, or undefined when it does not run a Graphviz program. */
export function graphvizSelection(argv: readonly string[]): { formats: string[]; layout: string } | undefined {
  const program = argv.length > 0 ? posix.basename(argv[0]) : '';
  if (!LAYOUT_PROGRAMS.has(program)) return undefined;
  const formats: string[] = [];
  let layout = program;
  for (let index = 1; index < argv.length; index++) {
    const arg = argv[index];
    const value = (flag: string): string | undefined => (arg === flag ? argv[++index] : arg.startsWith(flag) ? arg.slice(flag.length) : undefined);
    const format = value('-T');
    if (format !== undefined) {
      formats.push(format);
      continue;
    }
    const engine = value('-K');
    if (engine !== undefined) layout = engine;
  }
  return { formats: formats.length > 0 ? formats : ['dot'], layout };
}

/**
 * The libraries libgvc opens for the selection: for the output device, the layout and the text layout, the
 * plugin of highest quality (the first of equals, as gvplugin_install orders them), and the renderer the
 * chosen device needs (`svg:cairo` needs the `cairo` renderer).
 */
function neededLibraries(libraries: GraphvizLibrary[], selection: { formats: string[]; layout: string }): Map<GraphvizLibrary, { plugin: GraphvizPlugin; why: string }> {
  const needed = new Map<GraphvizLibrary, { plugin: GraphvizPlugin; why: string }>();
  const best = (api: string, type: string, feature?: string): { library: GraphvizLibrary; plugin: GraphvizPlugin } | undefined => {
    let found: { library: GraphvizLibrary; plugin: GraphvizPlugin } | undefined;
    for (const library of libraries) {
      for (const plugin of library.plugins) {
        if (plugin.api !== api || plugin.type !== type || (feature !== undefined && plugin.feature !== feature)) continue;
        if (found === undefined || plugin.quality > found.plugin.quality) found = { library, plugin };
      }
    }
    return found;
  };
  const add = (choice: { library: GraphvizLibrary; plugin: GraphvizPlugin } | undefined, why: string) => {
    if (choice && !needed.has(choice.library)) needed.set(choice.library, { plugin: choice.plugin, why });
  };
  for (const format of selection.formats) {
    // `-Tpng:cairo:gd`: format, renderer, image loader.
    const [type, renderer] = format.split(':');
    const device = best('device', type, renderer);
    add(device, `-T${format}`);
    const feature = device?.plugin.feature ?? renderer ?? type;
    add(best('render', feature), `-T${format}`);
  }
  add(best('layout', selection.layout), `the ${selection.layout} layout`);
  add(best('textlayout', 'textlayout'), 'text layout, which every context loads to measure labels');
  return needed;
}

const stateOf = perRun(() => ({ registries: new Set<string>() }));

async function keepRegistry(libgvc: string, content: Buffer, context: AnalysisContext): Promise<void> {
  const state = stateOf(context);
  const fromEnv = context.env.get('GVBINDIR');
  const dirs = [...(fromEnv ? [fromEnv] : []), ...cStringsMatching(content, /^\/[\w.+/-]*\/graphviz$/)].filter((dir) => entryAt(context, dir)?.type === 'dir');
  for (const dir of dirs) {
    const names = context.tree.list(context.tree.resolve(dir).path).filter((name) => REGISTRY_NAME.test(name));
    for (const name of names) {
      const registry = posix.join(dir, name);
      if (state.registries.has(registry)) continue;
      state.registries.add(registry);
      const entry = entryAt(context, registry);
      if (entry?.type !== 'file' && entry?.type !== 'hardlink') continue;
      context.keep(registry, { rule: 'graphviz-registry', by: libgvc, detail: `libgvc reads its plugin registry from ${dir}` });
      if (entry.size > REGISTRY_LIMIT) {
        context.warn(`${registry}: ${entry.size} bytes is too large for a Graphviz plugin registry; not read`);
        continue;
      }
      const libraries = parseGraphvizRegistry((await context.read(registry)).toString('utf8'));
      const argv = [...(context.config.Entrypoint ?? []), ...(context.config.Cmd ?? [])];
      const selection = graphvizSelection(argv);
      const chosen = selection ? neededLibraries(libraries, selection) : undefined;
      for (const library of libraries) {
        const path = library.path.startsWith('/') ? library.path : posix.join(dir, library.path);
        const origin = { path: registry, line: library.line };
        if (chosen === undefined) {
          context.keep(path, { rule: 'graphviz-plugin', by: registry, detail: `plugin library ${library.path}; the container's command line does not name the output format and layout, so any plugin may be selected`, origin });
          continue;
        }
        const use = chosen.get(library);
        if (use === undefined) continue;
        context.keep(path, { rule: 'graphviz-plugin', by: registry, detail: `${use.plugin.api} plugin ${use.plugin.type} for ${use.why}`, origin: { path: registry, line: use.plugin.line } });
      }
    }
  }
}

export const graphvizRule: FileRule = {
  id: 'graphviz',
  description: "Graphviz's plugin registry and the plugin libraries the container's command line selects",
  async inspect(file, context) {
    if (file.head[0] !== 0x7f || !LIBGVC.test(posix.basename(file.path))) return;
    await keepRegistry(file.path, await context.read(file.path), context);
  },
};
