/**
 * Reading an `strace -f -y -o FILE` log: which files the traced processes opened, looked up (stat, access) and
 * executed, successfully. The log is written by a tracer running inside a container of an untrusted image, with
 * the image's programs able to write to it too, so it is read as data: line by line, bounded, every path
 * unescaped from strace's C-style quoting and nothing in it ever used as more than a path to look up.
 *
 * The lines that matter (strace 4.x–6.x; `-y` decorates descriptors with the path they refer to):
 *
 *     12    openat(AT_FDCWD</app>, "lib/x.so", O_RDONLY|O_CLOEXEC) = 3</app/lib/x.so>
 *     12    execve("/usr/bin/python3", ["python3", "-c", "…"], 0x7ffd… /* 5 vars *\/) = 0
 *     13    openat(3</usr/lib>, "y", O_RDONLY <unfinished ...>
 *     13    <... openat resumed>) = 4</usr/lib/y>
 *
 * A call split by another thread (`<unfinished ...>` … `<... NAME resumed>`) is joined first. An open's `named`
 * path is the name the program gave, made absolute with its directory descriptor's decoration; `real` is the path
 * the kernel opened (symlinks resolved), from the returned descriptor's decoration.
 */

/** One successful access. */
export interface FileAccess {
  syscall: string;
  /**
   * `stat` covers the stat and access families (and a mkdir that found the directory there): the program looked
   * the path up and it was there. `create` is a directory the program made (mkdir).
   */
  kind: 'open' | 'exec' | 'stat' | 'create';
  /** The absolute path as the program named it (its symlinks matter too); undefined when it cannot be made absolute. */
  named?: string;
  /** For opens: the path the kernel opened, symlinks resolved. */
  real?: string;
  /** Opened with O_CREAT (the file may have been created by the open). */
  create: boolean;
  /** Opened with O_DIRECTORY. */
  directory: boolean;
}

const OPEN_CALLS = new Set(['open', 'openat', 'openat2', 'creat']);
const EXEC_CALLS = new Set(['execve', 'execveat']);
const STAT_CALLS = new Set(['stat', 'lstat', 'stat64', 'lstat64', 'newfstatat', 'fstatat64', 'statx', 'access', 'faccessat', 'faccessat2']);
const MKDIR_CALLS = new Set(['mkdir', 'mkdirat']);
const AT_CALLS = new Set(['openat', 'openat2', 'newfstatat', 'fstatat64', 'statx', 'faccessat', 'faccessat2', 'execveat', 'mkdirat']);
const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, '"': 34, '\\': 92, "'": 39, '?': 63 };

/** Undoes strace's quoting: `\n`, `\"`, `\\`, `\xHH`, octal `\NNN`; bytes decoded as UTF-8. */
export function unescapeStrace(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\' || i + 1 >= text.length) {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = text[++i];
    if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i)) as RegExpExecArray;
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length - 1;
    } else bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The quoted strings of a call's text, unescaped, in order, each with the text just before it. */
function quotedArguments(call: string): Array<{ value: string; before: string }> {
  const found: Array<{ value: string; before: string }> = [];
  const pattern = /"((?:[^"\\]|\\.)*)"/g;
  let last = 0;
  for (let match = pattern.exec(call); match; match = pattern.exec(call)) {
    found.push({ value: unescapeStrace(match[1]), before: call.slice(last, match.index) });
    last = match.index + match[0].length;
  }
  return found;
}

/** The path a `-y` decoration `N<path>` or `AT_FDCWD<path>` carries, from the text before a quoted name. */
function directoryDecoration(before: string): string | undefined {
  const match = /(?:AT_FDCWD|\d+)<((?:[^>\\]|\\.)*)>,\s*$/.exec(before);
  return match ? unescapeStrace(match[1]) : undefined;
}

function joinPath(directory: string, name: string): string {
  return name.startsWith('/') ? name : `${directory.replace(/\/+$/, '')}/${name}`;
}

/** Collects accesses from log lines fed one at a time, so a large log is never held whole. */
export class StraceLogReader {
  private readonly pending = new Map<string, string>();
  private readonly seen = new Set<string>();
  readonly accesses: FileAccess[] = [];

  /** One line of the log (without its line break). */
  push(line: string): void {
    const match = /^(?:(\d+)\s+)?(.*)$/.exec(line);
    if (!match) return;
    const pid = match[1] ?? '';
    const rest = match[2];
    if (rest.endsWith(' <unfinished ...>')) {
      this.pending.set(pid, rest.slice(0, -' <unfinished ...>'.length));
      return;
    }
    const resumed = /^<\.\.\. [\w]+ resumed>\s?(.*)$/.exec(rest);
    if (resumed) {
      const start = this.pending.get(pid);
      this.pending.delete(pid);
      if (start !== undefined) this.call(`${start}${resumed[1]}`);
      return;
    }
    this.call(rest);
  }

  private record(access: FileAccess): void {
    const key = `${access.kind}\0${access.named ?? ''}\0${access.real ?? ''}\0${access.create}\0${access.directory}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.accesses.push(access);
  }

  private call(call: string): void {
    const name = /^(\w+)\(/.exec(call)?.[1];
    if (!name) return;
    if (OPEN_CALLS.has(name)) {
      // Success: `= FD<path>`; strace escapes `<` and `>` inside the path, so the last `>` ends it.
      const result = /\) = \d+<((?:[^>\\]|\\.)*)>$/.exec(call);
      if (!result) return;
      const real = unescapeStrace(result[1]);
      if (real.endsWith(' (deleted)')) return;
      const args = quotedArguments(call);
      const first = args[0];
      let named: string | undefined;
      if (first) {
        const base = name === 'openat' || name === 'openat2' ? directoryDecoration(first.before) : undefined;
        if (first.value.startsWith('/')) named = first.value;
        else if (base !== undefined && base.startsWith('/')) named = joinPath(base, first.value);
      }
      // Flags are read from the arguments with names and decorations removed: a file may be called O_CREAT.
      const flags = call.slice(0, call.lastIndexOf(') = ')).replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/<(?:[^>\\]|\\.)*>/g, '');
      this.record({
        syscall: name,
        kind: 'open',
        named,
        real: real.startsWith('/') ? real : undefined,
        create: name === 'creat' || /\bO_CREAT\b/.test(flags),
        directory: /\bO_DIRECTORY\b/.test(flags),
      });
    } else if (STAT_CALLS.has(name) || MKDIR_CALLS.has(name)) {
      // `newfstatat(3</x>, "", …, AT_EMPTY_PATH)` is an fstat of an open descriptor: its open was recorded.
      const made = MKDIR_CALLS.has(name);
      const kind = made && /\) = 0$/.test(call) ? 'create' : /\) = 0$/.test(call) || (made && /\) = -1 EEXIST\b/.test(call)) ? 'stat' : undefined;
      if (kind === undefined) return;
      const first = quotedArguments(call)[0];
      if (!first || first.value === '') return;
      let named: string | undefined = first.value.startsWith('/') ? first.value : undefined;
      if (named === undefined && AT_CALLS.has(name)) {
        const base = directoryDecoration(first.before);
        if (base !== undefined && base.startsWith('/')) named = joinPath(base, first.value);
      }
      if (named !== undefined) this.record({ syscall: name, kind, named, create: kind === 'create', directory: made });
    } else if (EXEC_CALLS.has(name)) {
      if (!/\) = 0$/.test(call)) return;
      const first = quotedArguments(call)[0];
      if (!first) return;
      let named: string | undefined = first.value.startsWith('/') ? first.value : undefined;
      if (named === undefined && AT_CALLS.has(name)) {
        const base = directoryDecoration(first.before);
        if (base !== undefined && base.startsWith('/')) named = joinPath(base, first.value);
      }
      if (named !== undefined) this.record({ syscall: name, kind: 'exec', named, create: false, directory: false });
    }
  }
}

/** Every access in a whole log text (tests and small logs). */
export function parseStraceLog(log: string): FileAccess[] {
  const reader = new StraceLogReader();
  for (const line of log.split('\n')) reader.push(line);
  return reader.accesses;
}
