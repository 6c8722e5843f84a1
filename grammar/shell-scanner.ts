/**
 * Hand-written tokenizer for the shell grammar. Shell tokenization is context dependent in ways a regular
 * lexer cannot follow, so this scanner tracks the little context it needs (XCU 2.3 and 2.10.1–2.10.2):
 *
 * - words are read part by part (quotes, backslashes, `$…` expansions, `` `…` ``, globs, tildes), and
 *   `$(…)` recurses into a nested token stream that ends at the matching `)`;
 * - reserved words (`if`, `done`, `{`, …) are only reserved where a command may start, `in` only after
 *   `for name` / `case word`, and inside a case only `esac` is reserved where a pattern may start;
 * - here-document bodies are read from the lines after the newline that ends the command that opened them.
 */
import { createTokenInstance, IToken, TokenType } from 'chevrotain';
import type { HereDocument, RedirectOperator, ShellScript, ShellWord, WordPart } from '../src/shell/ast';
import { ShellSyntaxError } from '../src/shell/shell-syntax-error';
import { isPlainWord, wordValue } from '../src/shell/words';
import * as T from './shell-tokens';

/** Payload of a RedirectOp token. The here-document body is filled in when the scanner reaches it. */
export interface RedirectTokenPayload {
  operator: RedirectOperator;
  heredoc?: HereDocument;
}

/** Parses the tokens of a nested script (`$(…)` or backquotes); injected so the scanner stays parser-free. */
export type NestedScriptParser = (tokens: IToken[]) => ShellScript;

/** What the next word can be; see the file comment. */
type Mode =
  | 'command'
  | 'arguments'
  | 'for-name'
  | 'for-after-name'
  | 'for-words'
  | 'case-subject'
  | 'case-after-subject'
  | 'case-pattern'
  | 'function-name';

/** How the characters of a word part are read. */
type PartMode = 'word' | 'double' | 'heredoc' | 'parameter-argument';

/** Deep enough for any real script; keeps hostile input from overflowing the JavaScript stack. */
const MAX_NESTING = 64;

const OPERATORS: readonly string[] = [
  '<<-', '<<<', '&>>', ';;&',
  '&&', '||', ';;', ';&', '<<', '>>', '<&', '>&', '<>', '>|', '&>', '|&',
  '|', '&', ';', '<', '>', '(', ')',
];

const REDIRECT_OPERATORS: ReadonlySet<string> = new Set([
  '<', '>', '>>', '>|', '<>', '<&', '>&', '&>', '&>>', '<<', '<<-', '<<<',
]);

const WORD_BREAK = ' \t\n|&;<>()';
const SPECIAL_PARAMETERS = '@*#?$!-';
const PARAMETER_OPERATOR = /^(:[-=?+]|[-=?+]|%%|%|##|#|\/\/|\/#|\/%|\/|\^\^|\^|,,|,|:)/;

export class ShellScanner {
  private pos = 0;
  private mode: Mode = 'command';
  private pendingHeredocs: HereDocument[] = [];
  private readonly lineStarts: number[] = [0];

  /**
   * @param text the script
   * @param parseNested parser for `$(…)` and backquoted scripts
   * @param lineOffset added to line numbers (a backquoted script is scanned from its unescaped text)
   * @param depth nesting depth of this scanner
   */
  constructor(
    private readonly text: string,
    private readonly parseNested: NestedScriptParser,
    private readonly lineOffset = 0,
    private depth = 0,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** All tokens of the script. */
  scanScript(): IToken[] {
    const tokens = this.scanTokens(false);
    if (this.pos < this.text.length) throw this.error(`unexpected '${this.text[this.pos]}'`, this.pos);
    return tokens;
  }

  /** Errors for constructs left open at the end of the text are `incomplete`. */
  private error(message: string, offset: number, incomplete = false): ShellSyntaxError {
    return new ShellSyntaxError(message, this.location(offset), incomplete);
  }

  private location(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1 + this.lineOffset, column: offset - this.lineStarts[low] + 1 };
  }

  private enter(offset: number): void {
    this.depth++;
    if (this.depth > MAX_NESTING) throw this.error(`nesting deeper than ${MAX_NESTING} levels`, offset);
  }

  private leave(): void {
    this.depth--;
  }

  private makeToken(type: TokenType, start: number, end: number, payload?: unknown): IToken {
    const from = this.location(start);
    const to = this.location(Math.max(start, end - 1));
    const token = createTokenInstance(
      type,
      this.text.slice(start, end),
      start,
      end - 1,
      from.line,
      to.line,
      from.column,
      to.column,
    );
    token.payload = payload;
    return token;
  }

  /** Spaces, tabs and backslash-newline continuations between tokens. */
  private skipBlanks(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.text[this.pos + 1] === '\n') this.pos += 2;
      else return;
    }
  }

  /**
   * Tokens up to the end of the text, or (for `$(…)`) up to the `)` that closes the substitution, which is
   * left unconsumed.
   */
  private scanTokens(stopAtParen: boolean): IToken[] {
    const tokens: IToken[] = [];
    let parenDepth = 0;
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.text.length) break;
      const start = this.pos;
      const c = this.text[start];
      if (c === '#') {
        const end = this.text.indexOf('\n', start);
        this.pos = end < 0 ? this.text.length : end;
        continue;
      }
      if (c === '\n') {
        tokens.push(this.makeToken(T.Newline, start, start + 1));
        this.pos++;
        this.readHeredocBodies();
        if (this.mode !== 'for-after-name' && this.mode !== 'case-after-subject' && this.mode !== 'case-pattern') {
          this.mode = 'command';
        }
        continue;
      }
      const operator = OPERATORS.find((op) => this.text.startsWith(op, start));
      if (operator === undefined) {
        tokens.push(this.scanWordToken());
        continue;
      }
      if (operator === ')' && this.mode !== 'case-pattern') {
        if (parenDepth === 0 && stopAtParen) break;
        parenDepth--;
      }
      if (operator === '(' && this.mode !== 'case-pattern') {
        parenDepth++;
        if (parenDepth > MAX_NESTING) throw this.error(`nesting deeper than ${MAX_NESTING} levels`, start);
      }
      this.pos += operator.length;
      if (REDIRECT_OPERATORS.has(operator)) {
        tokens.push(...this.scanRedirect(operator as RedirectOperator, start));
        continue;
      }
      tokens.push(this.makeToken(this.operatorToken(operator), start, this.pos, operator));
    }
    return tokens;
  }

  /** The token type of a control operator, updating the mode for the word after it. */
  private operatorToken(operator: string): TokenType {
    const inPattern = this.mode === 'case-pattern';
    switch (operator) {
      case '(':
        if (!inPattern) this.mode = 'command';
        return T.LParen;
      case ')':
        this.mode = 'command';
        return T.RParen;
      case '|':
      case '|&':
        if (!inPattern) this.mode = 'command';
        return T.Pipe;
      case ';;':
      case ';&':
      case ';;&':
        this.mode = 'case-pattern';
        return T.CaseSeparator;
      case ';':
        this.mode = 'command';
        return T.Semi;
      case '&':
        this.mode = 'command';
        return T.Amp;
      case '&&':
        this.mode = 'command';
        return T.AndIf;
      default:
        this.mode = 'command';
        return T.OrIf;
    }
  }

  /** A redirection operator and its target word; a here-document operator also queues its body. */
  private scanRedirect(operator: RedirectOperator, start: number): IToken[] {
    if ((operator === '<' || operator === '>') && this.text[this.pos] === '(') {
      throw this.error(`process substitution ${operator}(…) needs bash`, start);
    }
    const payload: RedirectTokenPayload = { operator };
    const tokens = [this.makeToken(T.RedirectOp, start, this.pos, payload)];
    this.skipBlanks();
    const targetStart = this.pos;
    const target = this.readWord();
    if (target === undefined) return tokens;
    tokens.push(this.makeToken(T.Word, targetStart, this.pos, target));
    if (operator === '<<' || operator === '<<-') {
      const heredoc: HereDocument = {
        delimiter: wordValue(target),
        quoted: !isPlainWord(target),
        stripTabs: operator === '<<-',
        body: '',
        parts: [],
      };
      payload.heredoc = heredoc;
      this.pendingHeredocs.push(heredoc);
    }
    return tokens;
  }

  /** Reads the bodies of the here-documents opened on the line that just ended (XCU 2.7.4). */
  private readHeredocBodies(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const heredoc of pending) {
      const bodyStart = this.pos;
      let bodyEnd = this.text.length;
      const lines: string[] = [];
      while (this.pos < this.text.length) {
        const newline = this.text.indexOf('\n', this.pos);
        const lineEnd = newline < 0 ? this.text.length : newline;
        const raw = this.text.slice(this.pos, lineEnd);
        const line = heredoc.stripTabs ? raw.replace(/^\t+/, '') : raw;
        const lineStart = this.pos;
        this.pos = Math.min(lineEnd + 1, this.text.length);
        if (line === heredoc.delimiter) {
          bodyEnd = lineStart;
          break;
        }
        lines.push(`${line}\n`);
      }
      heredoc.body = lines.join('');
      if (heredoc.quoted) {
        heredoc.parts = [{ kind: 'literal', value: heredoc.body }];
      } else {
        const after = this.pos;
        this.pos = bodyStart;
        heredoc.parts = this.scanParts('heredoc', bodyEnd);
        this.pos = after;
      }
    }
  }

  /** A word, an IO number, or a reserved word, depending on the mode. */
  private scanWordToken(): IToken {
    const start = this.pos;
    const word = this.readWord();
    if (word === undefined) throw this.error(`unexpected '${this.text[start]}'`, start);
    const next = this.text[this.pos];
    if ((next === '<' || next === '>') && /^[0-9]+$/.test(word.text)) {
      return this.makeToken(T.IoNumber, start, this.pos, Number(word.text));
    }
    return this.makeToken(this.wordToken(word), start, this.pos, word);
  }

  /** Decides whether a word is reserved here, and what may follow it. */
  private wordToken(word: ShellWord): TokenType {
    const plain = isPlainWord(word) ? word.text : undefined;
    switch (this.mode) {
      case 'command': {
        const reserved = plain === undefined ? undefined : T.reservedWords.get(plain);
        if (reserved === undefined) {
          this.mode = 'arguments';
          return T.Word;
        }
        if (reserved === T.For) this.mode = 'for-name';
        else if (reserved === T.Case) this.mode = 'case-subject';
        else if (reserved === T.FunctionKeyword) this.mode = 'function-name';
        return reserved;
      }
      case 'for-name':
        this.mode = 'for-after-name';
        return T.Word;
      case 'for-after-name':
        if (plain === 'in') {
          this.mode = 'for-words';
          return T.In;
        }
        this.mode = 'command';
        return plain === 'do' ? T.Do : T.Word;
      case 'case-subject':
        this.mode = 'case-after-subject';
        return T.Word;
      case 'case-after-subject':
        this.mode = 'case-pattern';
        return plain === 'in' ? T.In : T.Word;
      case 'case-pattern':
        if (plain === 'esac') {
          this.mode = 'command';
          return T.Esac;
        }
        return T.Word;
      case 'function-name':
        this.mode = 'command';
        return T.Word;
      default:
        return T.Word;
    }
  }

  private readWord(): ShellWord | undefined {
    const start = this.pos;
    const parts = this.scanParts('word');
    if (this.pos === start) return undefined;
    return { text: this.text.slice(start, this.pos), parts, ...this.location(start) };
  }

  /**
   * The parts of a word (`word`), of a double-quoted string (`double`, stops before the closing quote), of an
   * unquoted here-document body (`heredoc`, up to `limit`) or of a `${x:-…}` argument (stops before `}`).
   */
  private scanParts(mode: PartMode, limit = this.text.length): WordPart[] {
    this.enter(this.pos);
    const parts: WordPart[] = [];
    let literal = '';
    const flush = (): void => {
      if (literal !== '') parts.push({ kind: 'literal', value: literal });
      literal = '';
    };
    let braceDepth = 0;
    while (this.pos < limit) {
      const c = this.text[this.pos];
      if (mode === 'word' && WORD_BREAK.includes(c)) {
        if (c === '(' && parts.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(literal)) {
          flush();
          parts.push({ kind: 'array', text: this.readArrayValue() });
          continue;
        }
        break;
      }
      if (mode === 'double' && c === '"') break;
      if (mode === 'parameter-argument') {
        if (c === '}' && braceDepth === 0) break;
        if (c === '}') braceDepth--;
        if (c === '{') braceDepth++;
      }
      if (c === '\\') {
        const next = this.pos + 1 < limit ? this.text[this.pos + 1] : undefined;
        if (next === '\n') {
          this.pos += 2;
        } else if (next === undefined) {
          literal += c;
          this.pos++;
        } else if (mode === 'word' || mode === 'parameter-argument') {
          flush();
          parts.push({ kind: 'escaped', value: next });
          this.pos += 2;
        } else if (next === '$' || next === '`' || next === '\\' || (mode === 'double' && next === '"')) {
          // Inside double quotes and here-documents a backslash only escapes these (XCU 2.2.3).
          literal += next;
          this.pos += 2;
        } else {
          literal += c;
          this.pos++;
        }
        continue;
      }
      const quotesActive = mode === 'word' || mode === 'parameter-argument';
      if (c === "'" && quotesActive) {
        flush();
        parts.push({ kind: 'single', value: this.readSingleQuoted() });
        continue;
      }
      if (c === '"' && quotesActive) {
        flush();
        parts.push({ kind: 'double', parts: this.readDoubleQuoted() });
        continue;
      }
      if (c === '`') {
        flush();
        parts.push(this.readBackquoted(mode === 'double'));
        continue;
      }
      if (c === '$') {
        const part = this.readDollar(quotesActive);
        if (part === undefined) {
          literal += c;
          this.pos++;
        } else {
          flush();
          parts.push(part);
        }
        continue;
      }
      if (mode === 'word') {
        if (c === '*' || c === '?' || (c === '[' && this.bracketCloses())) {
          flush();
          parts.push({ kind: 'glob', value: c });
          this.pos++;
          continue;
        }
        const atWordStart = parts.length === 0 && literal === '';
        if (c === '~' && (atWordStart || literal.endsWith('=') || literal.endsWith(':'))) {
          flush();
          parts.push(this.readTilde());
          continue;
        }
      }
      literal += c;
      this.pos++;
    }
    flush();
    this.leave();
    return parts;
  }

  /** A `[` only starts a bracket expression when a `]` follows in the same word (XCU 2.13.1). */
  private bracketCloses(): boolean {
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === ']') return true;
      if (WORD_BREAK.includes(c)) return false;
    }
    return false;
  }

  private readTilde(): WordPart {
    this.pos++;
    const user = /^[A-Za-z0-9._-]*/.exec(this.text.slice(this.pos, this.pos + 256))?.[0] ?? '';
    this.pos += user.length;
    return { kind: 'tilde', user };
  }

  private readSingleQuoted(): string {
    const open = this.pos;
    const close = this.text.indexOf("'", open + 1);
    if (close < 0) throw this.error('unterminated single quote', open, true);
    this.pos = close + 1;
    return this.text.slice(open + 1, close);
  }

  private readDoubleQuoted(): WordPart[] {
    const open = this.pos;
    this.pos++;
    const parts = this.scanParts('double');
    if (this.text[this.pos] !== '"') throw this.error('unterminated double quote', open, true);
    this.pos++;
    return parts;
  }

  /** bash's `name=(a b c)`: kept whole, with quotes and nested parentheses respected. */
  private readArrayValue(): string {
    const open = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "'") {
        this.readSingleQuoted();
        continue;
      }
      if (c === '"') {
        this.readDoubleQuoted();
        continue;
      }
      if (c === '\\') this.pos++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        this.pos++;
        return this.text.slice(open, this.pos);
      }
      this.pos++;
    }
    throw this.error('unterminated array assignment', open, true);
  }

  /** `` `…` ``: the backslashes that protect `` ` ``, `$` and `\` are removed before the inner script is parsed. */
  private readBackquoted(inDoubleQuotes: boolean): WordPart {
    const open = this.pos;
    let inner = '';
    let i = open + 1;
    for (;;) {
      if (i >= this.text.length) throw this.error('unterminated backquote', open, true);
      const c = this.text[i];
      const next = this.text[i + 1];
      if (c === '\\' && next !== undefined && ('$`\\'.includes(next) || (inDoubleQuotes && next === '"'))) {
        inner += next;
        i += 2;
        continue;
      }
      if (c === '`') break;
      inner += c;
      i++;
    }
    this.pos = i + 1;
    this.enter(open);
    const start = this.location(open);
    const scanner = new ShellScanner(inner, this.parseNested, start.line - 1, this.depth);
    const script = this.parseNested(scanner.scanScript());
    this.leave();
    return { kind: 'command', script, backquoted: true, text: this.text.slice(open, this.pos) };
  }

  /** The expansion that starts at `$`, or undefined when the `$` is literal. */
  private readDollar(quotesActive: boolean): WordPart | undefined {
    const start = this.pos;
    const next = this.text[start + 1];
    if (next === '(') {
      if (this.text[start + 2] === '(') {
        const arithmetic = this.readArithmetic();
        if (arithmetic !== undefined) return arithmetic;
      }
      return this.readCommandSubstitution();
    }
    if (next === '{') return this.readBracedParameter();
    if (next !== undefined && /[A-Za-z_]/.test(next)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(start + 1, start + 257))?.[0] ?? next;
      this.pos = start + 1 + name.length;
      return { kind: 'parameter', name, text: this.text.slice(start, this.pos) };
    }
    if (next !== undefined && (/[0-9]/.test(next) || SPECIAL_PARAMETERS.includes(next))) {
      this.pos = start + 2;
      return { kind: 'parameter', name: next, text: this.text.slice(start, this.pos) };
    }
    if (quotesActive && next === "'") {
      let i = start + 2;
      while (i < this.text.length && this.text[i] !== "'") i += this.text[i] === '\\' ? 2 : 1;
      if (i >= this.text.length) throw this.error("unterminated $'…' string", start, true);
      this.pos = i + 1;
      return { kind: 'dollar-quoted', text: this.text.slice(start, this.pos) };
    }
    if (quotesActive && next === '"') {
      this.pos = start + 1;
      this.readDoubleQuoted();
      return { kind: 'dollar-quoted', text: this.text.slice(start, this.pos) };
    }
    return undefined;
  }

  /** `$((…))`, or undefined when the text is really `$( (…) … )`, a command substitution of a subshell. */
  private readArithmetic(): WordPart | undefined {
    const start = this.pos;
    let depth = 0;
    for (let i = start + 3; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth > 0) depth--;
        else if (this.text[i + 1] === ')') {
          this.pos = i + 2;
          return { kind: 'arithmetic', expression: this.text.slice(start + 3, i), text: this.text.slice(start, this.pos) };
        } else return undefined;
      }
    }
    return undefined;
  }

  private readCommandSubstitution(): WordPart {
    const start = this.pos;
    this.pos += 2;
    this.enter(start);
    const savedMode = this.mode;
    const savedHeredocs = this.pendingHeredocs;
    this.mode = 'command';
    this.pendingHeredocs = [];
    const tokens = this.scanTokens(true);
    this.mode = savedMode;
    this.pendingHeredocs = savedHeredocs;
    if (this.text[this.pos] !== ')') throw this.error('unterminated $(…)', start, true);
    this.pos++;
    const script = this.parseNested(tokens);
    this.leave();
    return { kind: 'command', script, backquoted: false, text: this.text.slice(start, this.pos) };
  }

  private readBracedParameter(): WordPart {
    const start = this.pos;
    this.pos += 2;
    let operator: string | undefined;
    const afterHash = this.text[this.pos + 1];
    if (this.text[this.pos] === '#' && afterHash !== undefined && afterHash !== '}' && /[A-Za-z0-9_@*#?$!-]/.test(afterHash)) {
      operator = '#length';
      this.pos++;
    }
    const rest = this.text.slice(this.pos, this.pos + 256);
    let name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.exec(rest)?.[0];
    if (name === undefined && rest.length > 0 && SPECIAL_PARAMETERS.includes(rest[0])) name = rest[0];
    if (rest === '') throw this.error('unterminated ${…}', start, true);
    if (name === undefined) throw this.error('bad substitution', start);
    this.pos += name.length;
    if (this.text[this.pos] === '[') {
      // bash array subscript, `${a[@]}`: kept as part of the name.
      const close = this.text.indexOf(']', this.pos);
      if (close < 0) throw this.error('bad substitution', start);
      name += this.text.slice(this.pos, close + 1);
      this.pos = close + 1;
    }
    if (this.pos >= this.text.length) throw this.error('unterminated ${…}', start, true);
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'parameter', name, operator, text: this.text.slice(start, this.pos) };
    }
    const modifier = PARAMETER_OPERATOR.exec(this.text.slice(this.pos, this.pos + 2))?.[0];
    if (operator !== undefined || modifier === undefined) throw this.error('bad substitution', start);
    this.pos += modifier.length;
    const argument = this.scanParts('parameter-argument');
    if (this.text[this.pos] !== '}') throw this.error('unterminated ${…}', start, true);
    this.pos++;
    return { kind: 'parameter', name, operator: modifier, argument, text: this.text.slice(start, this.pos) };
  }
}
