/**
 * Paths named inside kept programs and config files: compiled-in config and state paths (`nginx` opens
 * `/etc/nginx/nginx.conf` and writes `/var/lib/nginx/body`), paths in config files (`root`, `pid`,
 * `ssl_certificate`), and config includes, followed to a fixed point.
 *
 * Which files are scanned (the policy):
 * - ELF *programs* (executables and PIEs), not shared libraries: libc alone names dozens of /etc and
 *   /usr/share paths it opens only when asked (shadow, netgroup, gconv, locales), and the system-file rules
 *   keep what libraries really need with a better reason (NSS, CA bundle, OpenSSL dirs, zoneinfo).
 * - Text files that configure or run something: anything under /etc, files with a config extension, `#!`
 *   scripts, and every file an include directive named. Comment lines are skipped. Account databases and
 *   certificates are not scanned (home directories and shells in /etc/passwd are not needs of the program).
 *   Nor are file-type detection databases: their strings are patterns matched against the bytes of input files
 *   (`magic="#!/bin/perl"` recognises a Perl script), never paths their reader opens — ImageMagick's mime.xml
 *   (`<mimemap>`) and shared-mime-info's package files (`<mime-info>`).
 *
 * What a path keeps: a regular file (with the symlinks on the way), up to {@link REFERENCED_FILE_LIMIT};
 * a directory as the directory alone, never its contents (run-time dirs like /var/log/nginx); for a path
 * that does not exist, its deepest existing directory below the top level (`/tmp/nginx` for
 * `/tmp/nginx/nginx.pid`), because the program will create the file there. Only include directives keep
 * directory contents. Runtime-provided paths (/proc, /sys, /dev, the bind-mounted /etc/hosts,
 * /etc/hostname, /etc/resolv.conf) and /etc/shadow, /etc/gshadow are never kept.
 */
import { posix } from 'node:path';
import { hasElfMagic, DF_1_PIE } from '../elf';
import { elfHeadersOf } from '../loader';
import type { AnalysisContext, FileRule, KeptFile } from '../types';
import { resolveInclude, includeDirectives } from './path-references-includes';
import { absolutePathRuns, isVirtualPath, printableText, uncommentedText } from './path-references-strings';
import { RUNTIME_MOUNTED_FILES } from './system-files-nss';

/** A referenced regular file larger than this is not kept (with a warning): a stray string must not pull in a database. */
export const REFERENCED_FILE_LIMIT = 8 * 1024 * 1024;
/** Text files larger than this are not scanned (logs, data dumps). */
const TEXT_SCAN_LIMIT = 1024 * 1024;

const NEVER_KEPT = new Set([...RUNTIME_MOUNTED_FILES, '/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-']);
// /etc/shells lists the login shells the system allows (getusershell(3) for chsh, su, ftpd): a check, not
// programs anything runs.
const NOT_SCANNED = new Set(['/etc/passwd', '/etc/group', '/etc/passwd-', '/etc/group-', '/etc/ld.so.cache', '/etc/shells']);
const CONFIG_EXTENSION = /\.(conf|cnf|cfg|ini|json|ya?ml|toml|properties|xml|env|rc|sh|bash|template|tmpl|include|inc|conf\.d)$/i;
const CERTIFICATE_EXTENSION = /\.(crt|pem|key|der|p12|pfx|csr)$/i;
/** The root element of a file-type detection database, near the start of the file (after the XML prolog). */
const TYPE_DATABASE_ROOT = /<(?:mimemap|mime-info)[\s>]/;

/** Files include directives kept, scanned whatever their name. Per analysis run. */
const included = new WeakMap<AnalysisContext, Set<string>>();

function includedSet(context: AnalysisContext): Set<string> {
  let set = included.get(context);
  if (!set) included.set(context, (set = new Set()));
  return set;
}

/** What a kept file is to this rule. */
type ScanKind = 'program' | 'text' | 'skip';

function isText(head: Buffer): boolean {
  return !head.includes(0);
}

async function scanKind(file: KeptFile, context: AnalysisContext): Promise<ScanKind> {
  if (NOT_SCANNED.has(file.path) || CERTIFICATE_EXTENSION.test(file.path)) return 'skip';
  if (hasElfMagic(file.head)) {
    const parsed = await elfHeadersOf(context.tree, file.path);
    if (!parsed.ok) return 'skip';
    const elf = parsed.elf;
    // A PIE is ET_DYN like a library; DF_1_PIE or an interpreter without a soname tells it apart (libc.so.6
    // has PT_INTERP too, but also a soname).
    const program = elf.type === 'exec' || (elf.type === 'dyn' && ((elf.dtFlags1 & DF_1_PIE) !== 0 || (elf.interpreter !== undefined && elf.soname === undefined)));
    return program ? 'program' : 'skip';
  }
  if (!isText(file.head) || file.entry.size > TEXT_SCAN_LIMIT) return 'skip';
  const isScript = file.head[0] === 0x23 && file.head[1] === 0x21;
  if (file.path.startsWith('/etc/') || CONFIG_EXTENSION.test(file.path) || isScript || includedSet(context).has(file.path)) return 'text';
  return 'skip';
}

function exists(context: AnalysisContext, path: string) {
  try {
    return context.tree.resolve(path).entry;
  } catch {
    return undefined;
  }
}

/** A reference found in one run of path characters. */
export interface PathReference {
  path: string;
  kind: 'file' | 'directory' | 'parent-of-missing';
  /** For `parent-of-missing`: the path that does not exist. */
  missing?: string;
}

/**
 * The existing paths one run names. Components are walked from the root; a regular file ends a path and the
 * rest of the run is read as a new path (Go string data glues literals: `/etc/nsswitch.conf/etc/pki/tls/certs`).
 */
export function referencesInRun(context: AnalysisContext, run: string): PathReference[] {
  const components = run.split('/').filter((part) => part !== '');
  const found: PathReference[] = [];
  let start = 0;
  while (start < components.length) {
    let path = '';
    let deepestDir: string | undefined;
    let depth = 0;
    let next = components.length;
    let ended: 'file' | 'missing' | 'whole' = 'whole';
    for (let index = start; index < components.length; index++) {
      path += `/${components[index]}`;
      if (isVirtualPath(path)) return found;
      const entry = exists(context, path);
      if (!entry) {
        ended = 'missing';
        break;
      }
      if (entry.type !== 'dir') {
        found.push({ path, kind: 'file' });
        ended = 'file';
        next = index + 1;
        break;
      }
      deepestDir = path;
      depth = index - start + 1;
    }
    if (ended === 'whole' && deepestDir) found.push({ path: deepestDir, kind: 'directory' });
    if (ended === 'missing' && deepestDir && depth >= 2) found.push({ path: deepestDir, kind: 'parent-of-missing', missing: path });
    if (ended !== 'file') break;
    start = next;
  }
  return found;
}

function keepReference(context: AnalysisContext, reference: PathReference, by: string, run: string): void {
  if (NEVER_KEPT.has(reference.path)) return;
  const detail = reference.kind === 'parent-of-missing' ? `names ${reference.missing}, which the program creates in ${reference.path}` : `names ${run}`;
  if (reference.kind === 'file') {
    const entry = exists(context, reference.path);
    if (entry && entry.size > REFERENCED_FILE_LIMIT) {
      context.warn(`${by} names ${reference.path} (${entry.size} bytes, over the ${REFERENCED_FILE_LIMIT}-byte limit for referenced files); keep it with --keep if it is needed`);
      return;
    }
  }
  context.keep(reference.path, { rule: 'path-string', by, detail });
}

async function followIncludes(context: AnalysisContext, file: string, text: string): Promise<void> {
  for (const directive of includeDirectives(text)) {
    const matches = resolveInclude(context.tree, file, directive.pattern);
    for (const match of matches) {
      const detail = `line ${directive.line} includes ${directive.pattern}`;
      const entry = exists(context, match);
      if (!entry) continue;
      if (entry.type === 'dir') {
        // `includedir` and Apache's `Include dir/` read every file in the directory.
        context.keepTree(match, { rule: 'config-include', by: file, detail }, (child) => child.type !== 'dir' || directive.kind === 'file');
        const real = context.tree.resolve(match).path;
        for (const name of context.tree.list(real)) includedSet(context).add(posix.join(real, name));
      } else {
        const real = context.keep(match, { rule: 'config-include', by: file, detail });
        if (real) includedSet(context).add(real);
      }
    }
  }
}

export const pathReferencesRule: FileRule = {
  id: 'path-references',
  description: 'paths named in programs and config files',
  async inspect(file, context) {
    const kind = await scanKind(file, context);
    if (kind === 'skip') return;
    const content = await context.read(file.path);
    if (kind === 'text' && TYPE_DATABASE_ROOT.test(content.subarray(0, 4096).toString('latin1'))) return;
    const text = kind === 'program' ? printableText(content) : uncommentedText(content.toString('utf8'));
    const seen = new Set<string>();
    for (const run of absolutePathRuns(text)) {
      if (seen.has(run)) continue;
      seen.add(run);
      for (const reference of referencesInRun(context, run)) keepReference(context, reference, file.path, run);
    }
    if (kind === 'text') await followIncludes(context, file.path, content.toString('utf8'));
  },
};
