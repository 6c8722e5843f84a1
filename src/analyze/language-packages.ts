/**
 * Language packages among the kept files, for the SBOM: Python distributions (`*.dist-info/METADATA`), npm
 * packages (`node_modules/<name>/package.json`), gems (`gems/<name>-<version>/`) and jars. A package counts when
 * any of its files is kept; its metadata file is read from the image whether or not it was kept.
 */
import { posix } from 'node:path';
import type { FileTree } from '../tree/types';
import type { KeptPath, LanguagePackage } from './types';

const DIST_INFO = /^(.*\/[^/]+\.dist-info)\//;
const GEM = /^(.*\/gems\/([^/]+?)-(\d[^/-]*)(?:-[^/]+)?)\//;
const JAR = /^(.+?)-(\d[\w.+~-]*)\.jar$/;

function header(text: string, name: string): string | undefined {
  // RFC 822-style headers end at the first empty line (core metadata spec).
  const head = text.split(/\r?\n\r?\n/, 1)[0];
  return new RegExp(`^${name}:[ \\t]*(.+)$`, 'mi').exec(head)?.[1].trim();
}

async function readText(tree: FileTree, path: string): Promise<string | undefined> {
  try {
    const resolution = tree.resolve(path, { followFinal: true });
    if (resolution.entry?.type !== 'file' && resolution.entry?.type !== 'hardlink') return undefined;
    return (await tree.readFile(resolution.path)).toString('utf8');
  } catch {
    return undefined;
  }
}

export async function findLanguagePackages(kept: KeptPath[], tree: FileTree): Promise<LanguagePackage[]> {
  const found = new Map<string, LanguagePackage>();
  const roots = new Map<string, 'python' | 'npm' | 'gem'>();
  for (const path of kept) {
    if (path.synthesized || path.type === 'dir') continue;
    const dist = DIST_INFO.exec(path.path);
    if (dist) roots.set(dist[1], 'python');
    // The innermost node_modules package a file belongs to.
    const modules = [...path.path.matchAll(/\/node_modules\/(?:@[^/]+\/)?[^/]+(?=\/)/g)];
    if (modules.length > 0) {
      const last = modules[modules.length - 1];
      roots.set(path.path.slice(0, (last.index ?? 0) + last[0].length), 'npm');
    }
    const gem = GEM.exec(path.path);
    if (gem) found.set(gem[1], { ecosystem: 'gem', name: gem[2], version: gem[3], path: gem[1] });
    const jar = JAR.exec(posix.basename(path.path));
    if (jar && (path.type === 'file' || path.type === 'hardlink')) found.set(path.path, { ecosystem: 'jar', name: jar[1], version: jar[2], path: path.path });
  }
  for (const [root, ecosystem] of roots) {
    if (ecosystem === 'python') {
      const text = await readText(tree, `${root}/METADATA`);
      const name = text && header(text, 'Name');
      if (name) found.set(root, { ecosystem, name, version: header(text, 'Version'), path: root });
    } else {
      const text = await readText(tree, `${root}/package.json`);
      try {
        const json = text === undefined ? undefined : (JSON.parse(text) as { name?: unknown; version?: unknown });
        if (json && typeof json.name === 'string') found.set(root, { ecosystem, name: json.name, version: typeof json.version === 'string' ? json.version : undefined, path: root });
      } catch {
        // not a package manifest: the files stay unowned
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
