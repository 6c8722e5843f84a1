/**
 * Include directives of config files and scripts: nginx `include conf.d/*.conf;`, Apache `Include` /
 * `IncludeOptional`, `.include` (systemd, PulseAudio), MySQL `!include` / `!includedir`, sudo `@include` /
 * `#includedir`, PostgreSQL `include_dir`, rsyslog `$IncludeConfig`, shell `source` / `.`. Patterns are
 * globbed over the image tree one path component at a time (symlinked directories followed), the way
 * glob(3) does it for nginx and Apache.
 */
import { posix } from 'node:path';
import type { FileTree } from '../../tree/types';

/** One include found in a file. */
export interface IncludeDirective {
  /** The path or pattern as written. */
  pattern: string;
  /** `directory` for `includedir`-style directives: every file in the directory. */
  kind: 'file' | 'directory';
  /** 1-based line. */
  line: number;
}

const FILE_DIRECTIVE = /^(?:include|includeoptional|include_if_exists|\.include|!include|@include|#include|\$includeconfig|source|\.)$/i;
const DIRECTORY_DIRECTIVE = /^(?:include_dir|includedir|!includedir|@includedir|#includedir)$/i;
const DIRECTIVE_LINE = /^\s*([!@#$.]?[A-Za-z_.]*)\s*=?\s+["']?([^"'\s;<>]+)["']?\s*;?\s*$/;

/** The include directives of a config file or script, in order. */
export function includeDirectives(text: string): IncludeDirective[] {
  const directives: IncludeDirective[] = [];
  text.split('\n').forEach((raw, index) => {
    const match = DIRECTIVE_LINE.exec(raw);
    if (!match) return;
    const [, keyword, pattern] = match;
    if (FILE_DIRECTIVE.test(keyword)) directives.push({ pattern, kind: 'file', line: index + 1 });
    else if (DIRECTORY_DIRECTIVE.test(keyword)) directives.push({ pattern, kind: 'directory', line: index + 1 });
  });
  return directives;
}

function isGlob(component: string): boolean {
  return /[*?[]/.test(component);
}

/** Paths of the tree matching an absolute pattern (glob characters allowed in any component). */
export function expandPattern(tree: FileTree, pattern: string): string[] {
  let current = ['/'];
  for (const component of pattern.split('/').filter((part) => part !== '' && part !== '.')) {
    const next: string[] = [];
    for (const dir of current) {
      if (!isGlob(component)) {
        next.push(posix.join(dir, component));
        continue;
      }
      let real: string;
      try {
        real = tree.resolve(dir).path;
      } catch {
        continue;
      }
      // Loaded on first use, like in the keep rule: only config files with wildcard includes need it.
      const matches = (require('picomatch') as typeof import('picomatch'))(component, { dot: false });
      for (const name of tree.list(real)) if (matches(name)) next.push(posix.join(dir, name));
    }
    current = next;
  }
  return current.filter((path) => {
    try {
      return tree.resolve(path).entry !== undefined;
    } catch {
      return false;
    }
  });
}

/**
 * Where a relative include is looked for: the including file's directory, then each directory above it
 * (nginx resolves relative to its prefix, the directory of nginx.conf, also from files in `conf.d/`;
 * Apache from ServerRoot). The first directory where the pattern matches anything wins.
 */
export function resolveInclude(tree: FileTree, includingFile: string, pattern: string): string[] {
  if (pattern.startsWith('/')) return expandPattern(tree, pattern);
  for (let dir = posix.dirname(includingFile); dir !== '/'; dir = posix.dirname(dir)) {
    const found = expandPattern(tree, posix.join(dir, pattern));
    if (found.length > 0) return found;
  }
  return [];
}
