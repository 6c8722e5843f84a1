/**
 * PostgreSQL's server loads code and data by name at run time, from directories compiled into it
 * (PostgreSQL docs: "Extension files", "Dynamic loading", `timezone_abbreviations`):
 * - `CREATE EXTENSION name` reads `<sharedir>/extension/name.control` and its `name--version.sql` scripts;
 * - `$libdir/name` in SQL and control files (`AS '$libdir/plpgsql'`, `module_pathname`) and the
 *   `shared_preload_libraries`, `session_preload_libraries` and `local_preload_libraries` settings load
 *   `<pkglibdir>/name.so`;
 * - the `timezone_abbreviations` setting (`Default` unless configured) reads `<sharedir>/timezonesets/<name>`,
 *   which may `@INCLUDE` others.
 *
 * The names come from kept files: SQL and control files, `postgresql.conf`, scripts and the strings of
 * programs (initdb issues `CREATE EXTENSION plpgsql`). The directories come from the server binary (it names
 * `$libdir` and its compiled-in share and lib directories); names met before the server is seen wait for it.
 */
import { posix } from 'node:path';
import type { AnalysisContext, FileRule, KeptFile } from '../types';
import { cStringsMatching, hasCString, isElfProgram } from './binary-strings';
import { isPrivateDirectory } from './helper-programs';
import { entryAt, perRun } from './run-state';

/** A text file larger than this is not searched for names. */
const TEXT_LIMIT = 4 * 1024 * 1024;
const CREATE_EXTENSION = /\bCREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z0-9_]+)"?/gi;
const LIBDIR_REFERENCE = /\$libdir\/([A-Za-z0-9_.-]+)/g;
const PRELOAD_SETTING = /^\s*(?:shared|session|local)_preload_libraries\s*=?\s*'([^']*)'/gim;
const ABBREVIATIONS_SETTING = /^\s*timezone_abbreviations\s*=?\s*'([A-Za-z0-9_.+-]+)'/gim;
const INCLUDE_LINE = /^@INCLUDE\s+([A-Za-z0-9_.+-]+)/gm;
/** Byte strings one of which a file must contain to be searched. */
const MARKERS = ['EXTENSION', 'extension', '$libdir/', '_preload_libraries', 'timezone_abbreviations', '@INCLUDE'].map((marker) => Buffer.from(marker, 'latin1'));

type NameKind = 'extension' | 'module' | 'timezone-set';

interface Wanted {
  kind: NameKind;
  name: string;
  by: string;
  origin?: { path: string; line: number };
}

interface Server {
  path: string;
  /** Compiled-in private directories of the server, in string order. */
  dirs: string[];
}

interface PostgresState {
  servers: Server[];
  pending: Wanted[];
  done: Set<string>;
}

const stateOf = perRun<PostgresState>(() => ({ servers: [], pending: [], done: new Set() }));

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The extension, module and time-zone-set names one text names, with their lines. */
export function postgresNames(text: string): Array<{ kind: NameKind; name: string; line: number }> {
  const found: Array<{ kind: NameKind; name: string; line: number }> = [];
  for (const match of text.matchAll(CREATE_EXTENSION)) found.push({ kind: 'extension', name: match[1].toLowerCase(), line: lineOf(text, match.index ?? 0) });
  for (const match of text.matchAll(LIBDIR_REFERENCE)) found.push({ kind: 'module', name: match[1], line: lineOf(text, match.index ?? 0) });
  for (const match of text.matchAll(PRELOAD_SETTING)) {
    for (const name of match[1].split(',').map((part) => part.trim().replace(/^\$libdir\//, '')).filter((part) => /^[A-Za-z0-9_.-]+$/.test(part))) {
      found.push({ kind: 'module', name, line: lineOf(text, match.index ?? 0) });
    }
  }
  for (const match of text.matchAll(ABBREVIATIONS_SETTING)) found.push({ kind: 'timezone-set', name: match[1], line: lineOf(text, match.index ?? 0) });
  for (const match of text.matchAll(INCLUDE_LINE)) found.push({ kind: 'timezone-set', name: match[1], line: lineOf(text, match.index ?? 0) });
  return found;
}

function resolveWanted(context: AnalysisContext, server: Server, wanted: Wanted): void {
  const reason = (detail: string) => ({ rule: 'postgresql', by: wanted.by, detail, ...(wanted.origin ? { origin: wanted.origin } : {}) });
  for (const dir of server.dirs) {
    if (wanted.kind === 'extension') {
      const extensionDir = posix.join(dir, 'extension');
      if (entryAt(context, extensionDir)?.type !== 'dir') continue;
      const real = context.tree.resolve(extensionDir).path;
      const files = context.tree.list(real).filter((name) => name === `${wanted.name}.control` || (name.startsWith(`${wanted.name}--`) && /\.(sql|control)$/.test(name)));
      for (const name of files) context.keep(posix.join(extensionDir, name), reason(`CREATE EXTENSION ${wanted.name} reads ${name}`));
      if (files.length > 0) return;
    } else if (wanted.kind === 'module') {
      const file = /\.so$/.test(wanted.name) ? wanted.name : `${wanted.name}.so`;
      if (context.keep(posix.join(dir, file), reason(`the server loads $libdir/${wanted.name}`)) !== undefined) return;
    } else if (context.keep(posix.join(dir, 'timezonesets', wanted.name), reason(`timezone_abbreviations ${wanted.name} reads timezonesets/${wanted.name}`)) !== undefined) {
      return;
    }
  }
}

function want(context: AnalysisContext, state: PostgresState, wanted: Wanted): void {
  const key = `${wanted.kind}:${wanted.name}`;
  if (state.done.has(key)) return;
  if (state.servers.length === 0) {
    state.pending.push(wanted);
    return;
  }
  state.done.add(key);
  for (const server of state.servers) resolveWanted(context, server, wanted);
}

async function inspect(file: KeptFile, context: AnalysisContext): Promise<void> {
  const state = stateOf(context);
  const content = await context.read(file.path);
  const elf = file.head[0] === 0x7f && file.head[1] === 0x45;
  if (elf && hasCString(content, '$libdir') && isElfProgram(content)) {
    const dirs = cStringsMatching(content, /^\/[\w.+-]+(\/[\w.+-]+)+$/).filter((dir) => isPrivateDirectory(dir) && entryAt(context, dir)?.type === 'dir');
    state.servers.push({ path: file.path, dirs });
    want(context, state, { kind: 'timezone-set', name: 'Default', by: file.path });
    for (const wanted of state.pending.splice(0)) want(context, state, wanted);
  }
  if (!elf && content.length > TEXT_LIMIT) return;
  if (!MARKERS.some((marker) => content.includes(marker))) return;
  const text = content.toString(elf ? 'latin1' : 'utf8');
  for (const found of postgresNames(text)) {
    // In a program the names are C strings; only text files have lines worth pointing at.
    want(context, state, { kind: found.kind, name: found.name, by: file.path, ...(elf ? {} : { origin: { path: file.path, line: found.line } }) });
  }
}

export const postgresqlRule: FileRule = {
  id: 'postgresql',
  description: 'PostgreSQL extensions, modules and time zone sets named in SQL, settings and programs',
  inspect,
};
