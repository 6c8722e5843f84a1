/**
 * A static scan of Python source for the modules it imports, the way `modulefinder` reads a program but
 * from text: `import a.b as c, d`, `from ..x import y`, and the literal forms of dynamic imports
 * (`__import__('x')`, `importlib.import_module('x')`). Imports inside functions and conditionals count too:
 * the scan cannot know which branch runs, so it keeps both (conservative).
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
}

/** A dynamic import whose module name is computed at run time, so the scan cannot follow it. */
export interface PythonDynamicImport {
  line: number;
  /** The call as written, for the warning. */
  call: string;
}

export interface PythonImportScan {
  imports: PythonImport[];
  dynamic: PythonDynamicImport[];
}

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
const DYNAMIC_CALL = /(?:\b__import__|\bimport_module)\s*\(\s*([^,)]*)/g;

function stripDots(name: string): string {
  return name.replace(/\s+/g, '');
}

/** Scans Python source text for imports. Never throws: unparseable parts are simply not imports. */
export function scanPythonImports(source: string): PythonImportScan {
  const strings: string[] = [];
  const imports: PythonImport[] = [];
  const dynamic: PythonDynamicImport[] = [];
  /** Open blocks by indentation: a logical line closes every block indented as much or more. */
  const blocks: { indent: number; header: string }[] = [];
  for (const { line, code } of logicalLines(source, strings)) {
    const indent = /^[ \t\f]*/.exec(code)![0].replace(/\t/g, '        ').length;
    while (blocks.length > 0 && blocks[blocks.length - 1].indent >= indent) blocks.pop();
    const trimmed = code.trim();
    const scope: PythonScope = {
      functions: blocks.map((block) => /^(?:async\s+)?def\s+(\w+)/.exec(block.header)?.[1]).filter((name): name is string => name !== undefined),
      mainGuard: blocks.some((block) => MAIN_GUARD.test(block.header.replace(new RegExp(`${STRING_MARK}(\\d+)${STRING_MARK}`, 'g'), (_, n: string) => `'${strings[Number(n)]}'`))),
    };
    if (trimmed.endsWith(':')) blocks.push({ indent, header: trimmed });
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
          if (match) imports.push({ module: stripDots(match[1]), level: 0, names: [], line, kind: 'import', scope });
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
        imports.push({ module: from[2] ? stripDots(from[2]) : '', level: from[1].length, names, line, kind: 'from', scope });
        continue;
      }
    }
    for (const call of code.matchAll(DYNAMIC_CALL)) {
      const argument = call[1].trim();
      const literal = new RegExp(`^${STRING_MARK}(\\d+)${STRING_MARK}$`).exec(argument);
      const value = literal ? strings[Number(literal[1])] : undefined;
      if (value !== undefined && /^\.*[A-Za-z_][\w.]*$/.test(value)) {
        const level = /^\.*/.exec(value)![0].length;
        imports.push({ module: value.slice(level), level, names: [], line, kind: 'dynamic', scope });
      } else {
        const shown = call[0].replace(new RegExp(`${STRING_MARK}(\\d+)${STRING_MARK}`, 'g'), (_, n: string) => JSON.stringify(strings[Number(n)]));
        dynamic.push({ line, call: `${shown.trim()})` });
      }
    }
  }
  return { imports, dynamic };
}
