/**
 * A static scan of JavaScript source (CommonJS and ES modules) for the modules it loads: `require('x')`,
 * `require.resolve('x')`, `import … from 'x'`, `import 'x'`, `export … from 'x'` and `import('x')`.
 *
 * A small tokenizer skips comments, strings, template literals (with `${}` nesting) and regular
 * expression literals, so `"require('x')"` in a string or a comment is not a dependency. Whether a `/`
 * starts a regular expression is decided by the token before it, as most JavaScript tooling does without
 * a full parser (ECMA-262 §12 leaves it to the syntactic context).
 */

/** A module specifier found in a source file. */
export interface NodeImport {
  specifier: string;
  line: number;
  kind: 'require' | 'import' | 'dynamic-import' | 'require-resolve';
}

/** A load whose specifier is computed at run time (`require(name)`), so the scan cannot follow it. */
export interface NodeDynamicImport {
  line: number;
  kind: 'require' | 'dynamic-import';
}

export interface NodeImportScan {
  imports: NodeImport[];
  dynamic: NodeDynamicImport[];
}

interface Token {
  type: 'name' | 'string' | 'punct' | 'template' | 'regex' | 'number';
  value: string;
  line: number;
}

/** After these keywords an expression starts, so `/` opens a regular expression. */
const EXPRESSION_KEYWORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

function regexAllowed(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.type === 'name') return EXPRESSION_KEYWORDS.has(previous.value);
  if (previous.type === 'punct') return ![')', ']', '}'].includes(previous.value);
  return false;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** One entry per open `{`: true when it is a template literal's `${`. */
  const braces: boolean[] = [];
  let line = 1;
  let i = 0;
  const countLines = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (source.charCodeAt(k) === 10) line++;
  };
  /** Reads template text from `i` (just after a backtick or a closing `}`) up to the end or the next `${`. */
  const templatePart = (): void => {
    const start = i;
    while (i < source.length && source[i] !== '`' && !(source[i] === '$' && source[i + 1] === '{')) i += source[i] === '\\' ? 2 : 1;
    countLines(start, i);
    tokens.push({ type: 'template', value: source.slice(start, i), line });
    if (source[i] === '`') i++;
    else if (i < source.length) {
      i += 2;
      braces.push(true);
    }
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      countLines(i, stop);
      i = stop;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const start = i + 1;
      i = start;
      while (i < source.length && source[i] !== ch && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      tokens.push({ type: 'string', value: source.slice(start, i), line });
      if (source[i] === ch) i++;
      continue;
    }
    if (ch === '`') {
      i++;
      templatePart();
      continue;
    }
    if (ch === '/' && regexAllowed(tokens[tokens.length - 1])) {
      const start = i;
      i++;
      let inClass = false;
      while (i < source.length && source[i] !== '\n' && (inClass || source[i] !== '/')) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < source.length && /[A-Za-z]/.test(source[i])) i++;
      tokens.push({ type: 'regex', value: source.slice(start, i), line });
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const start = i;
      while (i < source.length && /[\w$]/.test(source[i])) i++;
      tokens.push({ type: 'name', value: source.slice(start, i), line });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const start = i;
      while (i < source.length && /[\w.]/.test(source[i])) i++;
      tokens.push({ type: 'number', value: source.slice(start, i), line });
      continue;
    }
    if (ch === '{') braces.push(false);
    if (ch === '}' && braces.length > 0 && braces.pop()) {
      i++;
      templatePart();
      continue;
    }
    tokens.push({ type: 'punct', value: ch, line });
    i++;
  }
  return tokens;
}

/** Whether a specifier token is a plain string (a template literal without `${}` counts too). */
function literal(token: Token | undefined, next: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.type === 'string') return token.value;
  // `require(\`x\`)`: one template part directly followed by `)` or `,` had no substitution.
  if (token.type === 'template' && next?.type === 'punct' && (next.value === ')' || next.value === ',')) return token.value;
  return undefined;
}

/** Scans JavaScript source for module loads. Never throws. */
export function scanNodeImports(source: string): NodeImportScan {
  const tokens = tokenize(source.startsWith('#!') ? source.replace(/^#![^\n]*/, '') : source);
  const imports: NodeImport[] = [];
  const dynamic: NodeDynamicImport[] = [];
  const at = (index: number): Token | undefined => tokens[index];
  const isPunct = (token: Token | undefined, value: string): boolean => token?.type === 'punct' && token.value === value;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.type !== 'name') continue;
    const previous = at(index - 1);
    // A property access `x.require(` or `x.import` is someone else's method (except `module.require`).
    const member = isPunct(previous, '.') && at(index - 2)?.value !== 'module';
    if (token.value === 'require' && !member) {
      if (isPunct(at(index + 1), '(')) {
        const value = literal(at(index + 2), at(index + 3));
        if (value !== undefined) imports.push({ specifier: value, line: token.line, kind: 'require' });
        else if (!isPunct(at(index + 2), ')')) dynamic.push({ line: token.line, kind: 'require' });
      } else if (isPunct(at(index + 1), '.') && at(index + 2)?.value === 'resolve' && isPunct(at(index + 3), '(')) {
        const value = literal(at(index + 4), at(index + 5));
        if (value !== undefined) imports.push({ specifier: value, line: token.line, kind: 'require-resolve' });
      }
      continue;
    }
    if (token.value === 'import' && !member) {
      const next = at(index + 1);
      if (next?.type === 'string') imports.push({ specifier: next.value, line: token.line, kind: 'import' });
      else if (isPunct(next, '(')) {
        const value = literal(at(index + 2), at(index + 3));
        if (value !== undefined) imports.push({ specifier: value, line: token.line, kind: 'dynamic-import' });
        else dynamic.push({ line: token.line, kind: 'dynamic-import' });
      }
      continue;
    }
    if (token.value === 'from' && at(index + 1)?.type === 'string' && !member) {
      // `import x from 'y'` / `export { a } from 'y'`: `from` followed by a string is only valid there.
      imports.push({ specifier: (at(index + 1) as Token).value, line: token.line, kind: 'import' });
    }
  }
  return { imports, dynamic };
}
