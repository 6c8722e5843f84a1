/**
 * A static scan of Python source for the modules it imports, the way `modulefinder` reads a program but
 * from text: `import a.b as c, d`, `from ..x import y`, and the literal forms of dynamic imports
 * (`__import__('x')`, `importlib.import_module('x')`). Imports inside functions and conditionals count too:
 * the scan cannot know which branch runs, so it keeps both (conservative).
 *
 * It also reports the string-literal arguments of calls that name distributions and libraries
 * ({@link LITERAL_CALL_NAMES}) and the string literals used as encoding names, for rules that look names
 * up at run time.
 *
 * The source is first cut into logical lines (Python reference §2.1: backslash joins and open brackets
 * join physical lines) with strings and comments taken out, so a docstring that says "import os" is not
 * an import.
 */

/** One import found in a source file. */
export interface PythonImport {
  /** Dotted module name as written, without the leading dots of a relative import (may be empty: `from . import x`). */
  module: string;
  /** Leading dots of a relative import; 0 for absolute imports. */
  level: number;
  /** For `from M import a, b`: the imported names (`*` for a star import); they may be submodules. */
  names: string[];
  /** 1-based line where the statement starts. */
  line: number;
  /** How it was found. */
  kind: 'import' | 'from' | 'dynamic';
  /** Where the statement sits: the functions around it (innermost last) and whether an `if __name__ == '__main__':` guards it. */
  scope: PythonScope;
}

/** The blocks around a statement that decide whether importing the file runs it. */
export interface PythonScope {
  functions: string[];
  mainGuard: boolean;
  /**
   * For a statement in an `except ImportError:` (or `ModuleNotFoundError`, or bare `except:`) handler: the
   * absolute modules its `try:` block imports. The handler is a fallback taken only when one of them fails
   * to import (`try: from _decimal import *` / `except ImportError: from _pydecimal import *`). Absent
   * elsewhere, and when the try block imports relatively or by a computed name.
   */
  fallbackFor?: string[];
}

/** A dynamic import whose module name is computed at run time, so the scan cannot follow it. */
export interface PythonDynamicImport {
  line: number;
  /** The call as written, for the warning. */
  call: string;
}

/**
 * A call to one of {@link LITERAL_CALL_NAMES} (`version('gunicorn')`, `find_library("magic")`,
 * `entry_points(group='console_scripts')`): its string-literal arguments, for the rules that read package
 * metadata or find libraries by name.
 */
export interface PythonLiteralCall {
  /** The called name as written, dotted (`importlib.metadata.version`, `ctypes.util.find_library`). */
  callee: string;
  /** Its last part (`version`, `find_library`). */
  name: string;
  /** Positional arguments: the literal's value, or undefined for anything that is not a plain string literal. */
  args: (string | undefined)[];
  /** Keyword arguments with string-literal values. */
  keywords: Record<string, string>;
  line: number;
  scope: PythonScope;
}

export interface PythonImportScan {
  imports: PythonImport[];
  dynamic: PythonDynamicImport[];
  /** Calls of the functions in {@link LITERAL_CALL_NAMES}, with their literal arguments. */
  calls: PythonLiteralCall[];
  /**
   * String literals in the places an encoding name goes: `.encode('x')`, `.decode('x')`,
   * `codecs.lookup('x')` and the other `codecs.get*` functions, `encoding='x'` (arguments and defaults) and
   * assignments to a name that says encoding or charset (`DEFAULT_ENCODING = 'latin-1'`).
   */
  encodings: string[];
}

/**
 * Functions whose string arguments name something outside the module system: distributions
 * (`importlib.metadata`, `pkg_resources`), entry points, and shared libraries (`ctypes`).
 */
export const LITERAL_CALL_NAMES = [
  'version', 'distribution', 'metadata', 'requires', 'files', 'entry_points',
  'get_distribution', 'require', 'load_entry_point', 'iter_entry_points', 'get_entry_info', 'get_entry_map',
  'find_library', 'CDLL', 'PyDLL', 'LoadLibrary',
];

interface LogicalLine {
  line: number;
  /** Code with every string literal replaced by `\u0001<n>\u0001` and comments removed. */
  code: string;
}

const STRING_MARK = '\u0001';
const STRING_PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/;

/** Splits source into logical lines, with strings as numbered placeholders and comments dropped. */
function logicalLines(source: string, strings: string[]): LogicalLine[] {
  const lines: LogicalLine[] = [];
  /** Pieces of the current logical line; joined once at its end (building one long string char by char and reading its tail re-flattens it every time). */
  let code: string[] = [];
  let start = 1;
  let line = 1;
  let depth = 0;
  let i = 0;
  /** Whether the logical line has code yet; tracked rather than recomputed, lines can be long. */
  let started = false;
  const flush = (): void => {
    if (started) lines.push({ line: start, code: code.join('') });
    code = [];
    started = false;
  };
  while (i < source.length) {
    const ch = source[i];
    if (!started && depth === 0) start = line;
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r' && ch !== '\f' && ch !== '#' && !(ch === '\\' && source[i + 1] === '\n')) started = true;
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '\\' && source[i + 1] === '\n') {
      i += 2;
      line++;
      code.push(' ');
      continue;
    }
    if (ch === '\n') {
      line++;
      i++;
      if (depth > 0) code.push(' ');
      else flush();
      continue;
    }
    if (ch === '"' || ch === "'") {
      // A prefix (r, b, f, rb, …) directly before the quote is part of the literal.
      const tail = /[A-Za-z]{1,2}$/.exec(source.slice(Math.max(0, i - 3), i));
      const before = tail ? source.charAt(i - tail[0].length - 1) : '';
      const prefix = tail && STRING_PREFIX.test(tail[0]) && !/\w/.test(before) ? tail[0] : '';
      code.splice(code.length - prefix.length, prefix.length);
      const triple = source.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      const from = j;
      while (j < source.length && !source.startsWith(quote, j)) {
        // A backslash escapes the next character in every literal (raw ones keep it, but it still hides a quote).
        if (source[j] === '\\') {
          if (source[j + 1] === '\n') line++;
          j += 2;
          continue;
        }
        if (source[j] === '\n') {
          // An unterminated single-quoted string ends at the line end (a syntax error; do not run away).
          if (!triple) break;
          line++;
        }
        j++;
      }
      // Module names have no escapes, so the literal's text as written is its value.
      const value = source.slice(from, Math.min(j, source.length));
      i = j + (source.startsWith(quote, j) ? quote.length : 0);
      code.push(`${STRING_MARK}${strings.length}${STRING_MARK}`);
      strings.push(value);
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    code.push(ch);
    i++;
  }
  flush();
  return lines;
}

const NAME = String.raw`[A-Za-z_]\w*`;
const DOTTED = String.raw`${NAME}(?:\s*\.\s*${NAME})*`;
/** Compound-statement headers that may carry a simple statement on the same line (`try: import x`). */
const HEADER = /^(?:(?:try|else|finally)\s*:|(?:if|elif|while|except|with|for)\b[^:]*:)\s*/;
const IMPORT = new RegExp(String.raw`^import\s+(.+)$`);
const FROM = new RegExp(String.raw`^from\s+(\.*)\s*(${DOTTED})?\s+import\s+(.+)$`);
const MAIN_GUARD = /^if\s+\(?\s*(?:__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__)\s*\)?\s*:$/;
/** `__import__(x)`, `import_module(x)`; not the definition of a function of that name (`def import_module(name):`). */
const DYNAMIC_CALL = /(?<!\bdef\s+)(?:\b__import__|\bimport_module)\s*\(\s*([^,)]*)/g;
const LITERAL_CALL = new RegExp(String.raw`(?<![\w.])((?:${NAME}\s*\.\s*)*(${LITERAL_CALL_NAMES.join('|')}))\s*\(`, 'g');
const LITERAL = new RegExp(`^${STRING_MARK}(\\d+)${STRING_MARK}$`);
const ENCODING_PLACE = new RegExp(
  String.raw`(?:\b(?:encode|decode|lookup|getencoder|getdecoder|getincrementalencoder|getincrementaldecoder|getreader|getwriter)\s*\(\s*|\b\w*(?:encoding|charset|codec)\w*\s*=(?!=)\s*)${STRING_MARK}(\d+)${STRING_MARK}`,
  'gi',
);

/** The top-level comma-separated arguments of a call whose `(` ends at `open`, up to its matching `)`. */
function callArguments(code: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open;
  for (let i = open; i < code.length; i++) {
    const ch = code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        args.push(code.slice(start, i));
        return args.map((arg) => arg.trim()).filter((arg) => arg !== '');
      }
    } else if (ch === ',' && depth === 1) {
      args.push(code.slice(start, i));
      start = i + 1;
    }
  }
  return [];
}

/** Reads the literal calls of one logical line. */
function literalCalls(code: string, strings: readonly string[], line: number, scope: PythonScope): PythonLiteralCall[] {
  const calls: PythonLiteralCall[] = [];
  for (const match of code.matchAll(LITERAL_CALL)) {
    if (/\bdef\s+$/.test(code.slice(0, match.index))) continue;
    const raw = callArguments(code, (match.index ?? 0) + match[0].length - 1);
    const args: (string | undefined)[] = [];
    const keywords: Record<string, string> = {};
    for (let text of raw) {
      // the first argument text starts at the `(` itself
      text = text.replace(/^\(/, '').trim();
      const keyword = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.*)$/.exec(text);
      const literal = LITERAL.exec(keyword ? keyword[2].trim() : text);
      const value = literal ? strings[Number(literal[1])] : undefined;
      if (keyword) {
        if (value !== undefined) keywords[keyword[1]] = value;
      } else args.push(value);
    }
    calls.push({ callee: stripDots(match[1]), name: match[2], args, keywords, line, scope });
  }
  return calls;
}

function stripDots(name: string): string {
  return name.replace(/\s+/g, '');
}

/** Scans Python source text for imports. Never throws: unparseable parts are simply not imports. */
export function scanPythonImports(source: string): PythonImportScan {
  const strings: string[] = [];
  const imports: PythonImport[] = [];
  const dynamic: PythonDynamicImport[] = [];
  const calls: PythonLiteralCall[] = [];
  const encodings: string[] = [];
  /**
   * Open blocks by indentation: a logical line closes every block indented as much or more. A `try:` block
   * collects the modules imported inside it (undefined once it imports something relative or computed); an
   * import-error handler carries the modules of the `try:` it follows.
   */
  const blocks: { indent: number; header: string; tried?: string[] | undefined; fallbackFor?: string[] }[] = [];
  /** The imports of the last `try:` block closed at each indentation, for the handlers that follow it. */
  const lastTry = new Map<number, string[] | undefined>();
  const tryHeader = /^try\s*:/;
  const importErrorHandler = /^except\s*(?::|\(?\s*(?:[\w.]+\s*,\s*)*(?:ImportError|ModuleNotFoundError)\b)/;
  const record = (found: PythonImport): void => {
    imports.push(found);
    for (const block of blocks) {
      if (block.tried === undefined) continue;
      if (found.level > 0 || found.kind === 'dynamic') block.tried = undefined;
      else block.tried.push(found.module);
    }
  };
  for (const { line, code } of logicalLines(source, strings)) {
    const indent = /^[ \t\f]*/.exec(code)![0].replace(/\t/g, '        ').length;
    while (blocks.length > 0 && blocks[blocks.length - 1].indent >= indent) {
      const closed = blocks.pop()!;
      if (tryHeader.test(closed.header)) lastTry.set(closed.indent, closed.tried);
    }
    const trimmed = code.trim();
    const handler = importErrorHandler.test(trimmed) ? lastTry.get(indent) : undefined;
    const enclosing = [...blocks].reverse().find((block) => /^except\b/.test(block.header));
    const fallbackFor = handler ?? enclosing?.fallbackFor;
    const scope: PythonScope = {
      functions: blocks.map((block) => /^(?:async\s+)?def\s+(\w+)/.exec(block.header)?.[1]).filter((name): name is string => name !== undefined),
      mainGuard: blocks.some((block) => MAIN_GUARD.test(block.header.replace(new RegExp(`${STRING_MARK}(\\d+)${STRING_MARK}`, 'g'), (_, n: string) => `'${strings[Number(n)]}'`))),
      ...(fallbackFor !== undefined && fallbackFor.length > 0 ? { fallbackFor } : {}),
    };
    if (!/^except\b/.test(trimmed) && !tryHeader.test(trimmed)) lastTry.delete(indent);
    if (trimmed.endsWith(':')) {
      blocks.push({ indent, header: trimmed, ...(tryHeader.test(trimmed) ? { tried: [] } : {}), ...(handler !== undefined ? { fallbackFor: handler } : {}) });
    } else if (tryHeader.test(trimmed)) {
      // `try: import fast` on one line: a block of its own that closes at once.
      blocks.push({ indent, header: 'try:', tried: [] });
    }
    for (let statement of code.split(';')) {
      statement = statement.trim();
      for (let previous = ''; previous !== statement; ) {
        previous = statement;
        statement = statement.replace(HEADER, '');
      }
      const plain = IMPORT.exec(statement);
      if (plain) {
        for (const part of plain[1].split(',')) {
          const match = new RegExp(String.raw`^\s*(${DOTTED})(?:\s+as\s+${NAME})?\s*$`).exec(part);
          if (match) record({ module: stripDots(match[1]), level: 0, names: [], line, kind: 'import', scope });
        }
        continue;
      }
      const from = FROM.exec(statement);
      if (from) {
        const names = from[3]
          .replace(/[()]/g, ' ')
          .split(',')
          .map((part) => part.trim().split(/\s+as\s+/)[0].trim())
          .filter((name) => name === '*' || new RegExp(`^${NAME}$`).test(name));
        record({ module: from[2] ? stripDots(from[2]) : '', level: from[1].length, names, line, kind: 'from', scope });
        continue;
      }
    }
    calls.push(...literalCalls(code, strings, line, scope));
    for (const match of code.matchAll(ENCODING_PLACE)) encodings.push(strings[Number(match[1])]);
    for (const call of code.matchAll(DYNAMIC_CALL)) {
      const argument = call[1].trim();
      const literal = new RegExp(`^${STRING_MARK}(\\d+)${STRING_MARK}$`).exec(argument);
      const value = literal ? strings[Number(literal[1])] : undefined;
      if (value !== undefined && /^\.*[A-Za-z_][\w.]*$/.test(value)) {
        const level = /^\.*/.exec(value)![0].length;
        record({ module: value.slice(level), level, names: [], line, kind: 'dynamic', scope });
      } else {
        for (const block of blocks) block.tried = undefined;
        const shown = call[0].replace(new RegExp(`${STRING_MARK}(\\d+)${STRING_MARK}`, 'g'), (_, n: string) => JSON.stringify(strings[Number(n)]));
        dynamic.push({ line, call: `${shown.trim()})` });
      }
    }
  }
  return { imports, dynamic, calls, encodings };
}
