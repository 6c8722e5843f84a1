import { ExpansionError } from '../errors';
import type { ExpansionEnv } from './environment';
import { FieldAccumulator, SharedFieldBuffer } from './field-splitting';
import { isGoDigit, isGoLetter } from './go-unicode';
import type { ExpansionBudget } from './expansion-budget';
import { EOF, EOF_IN_MESSAGES, RuneCursor } from './rune-cursor';
import { replacePattern, trimPatternPrefix, trimPatternSuffix } from './shell-pattern';

/**
 * One pass of BuildKit's word lexer (moby/buildkit frontend/dockerfile/shell/lex.go, `shellWord`) over a
 * word: quote removal, escapes and `$` expansion, producing the expanded word and its fields at once.
 * Written from the behaviour of that file at commit 73ed6825, the commit the conformance vectors come from.
 */

/** The switches of BuildKit's `shell.Lex`, all resolved. */
export interface LexSettings {
  /** The Dockerfile escape character: `\` unless the `# escape=` directive says otherwise. */
  escape: '\\' | '`';
  /** Keep quote characters in the result (BuildKit `RawQuotes`, used to detect quoted heredoc names). */
  rawQuotes: boolean;
  /** Keep escape characters in the result (BuildKit `RawEscapes`). */
  rawEscapes: boolean;
  /** Treat quotes as ordinary characters (BuildKit `SkipProcessQuotes`, used for heredoc bodies). */
  skipProcessQuotes: boolean;
  /** Leave references to unset variables as written (BuildKit `SkipUnsetEnv`). */
  skipUnsetEnv: boolean;
}

/** What a pass produced. */
export interface LexOutcome {
  /** The expanded word (BuildKit `ProcessWord`). */
  text: string;
  /** The expanded word split into fields (BuildKit `ProcessWords`). */
  fields: string[];
  /** Every variable name looked up, in first-lookup order, with whether it was set. */
  lookups: Map<string, boolean>;
}

/** Single-character special parameters (POSIX 2.5.2). BuildKit never sets them, but reads them as names. */
const SPECIAL_PARAMETERS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Modifiers that may follow a name inside `${...}` (after an optional `:`). */
const MODIFIERS = new Set(['+', '-', '?', '#', '%']);

/** BuildKit's `isWhitespace`, which is narrower than field splitting's: only tab, CR and space. */
const HEREDOC_GAP = new Set(['\t', '\r', ' ']);

/** A code point as Go prints it in messages: EOF shows as U+FFFD. */
function printable(codePoint: string): string {
  return codePoint === EOF ? EOF_IN_MESSAGES : codePoint;
}

/** What to do with the text of a finished word scan (see `WordScan`). */
type Continuation =
  /** The word itself: the scan's text and fields are the outcome. */
  | { kind: 'word' }
  /** The word of `${name-word}` and the other modifier forms. */
  | { kind: 'modifier'; name: string; modifier: string; written: string; nullIsUnset: boolean }
  /** The pattern of `${name/pattern/replacement}`; the replacement is scanned next. */
  | { kind: 'pattern'; name: string; all: boolean }
  | { kind: 'replacement'; name: string; all: boolean; pattern: string };

/**
 * BuildKit `processStopOn`: text up to `stop` (consumed) or, when `stop` is EOF, the end of the word. A
 * `${...}` form scans its words this way, nested inside the scan that met the `$`.
 */
interface WordScan {
  kind: 'word';
  stop: string;
  text: string;
  fields: FieldAccumulator;
  /** The escape mode of the enclosing scan, restored when this one ends. */
  outerRawEscapes: boolean;
  /**
   * BuildKit replaces any failure inside a `${...}` word by this message when the input ran out, even one
   * from a nested expansion (`${a:-${b:?}` reports the missing `}`).
   */
  atEndMessage?: string;
  then: Continuation;
}

/** `"..."`, whose `$` expansions nest inside it. */
interface QuotedScan {
  kind: 'double-quoted';
  text: string;
}

type Scan = WordScan | QuotedScan;

/**
 * Lexes one word against one environment; make a new one per word. BuildKit's lexer recurses into each
 * `${...}` and each `"..."`; this one keeps those nested scans on an explicit stack, so nesting depth costs
 * heap, not call stack (`${a:-${a:-…}}` 20k deep is fine). Mutable state mirrors BuildKit's: whether
 * escapes are currently kept (patterns keep them) and the field buffer nested scans share. Every character
 * added to any scan's text is first accounted to the budget, so no word outgrows the limits.
 */
export class WordLexer {
  private readonly cursor: RuneCursor;
  private rawEscapes: boolean;
  private readonly fieldBuffer = new SharedFieldBuffer();
  private readonly lookups = new Map<string, boolean>();
  private readonly scans: Scan[] = [];

  constructor(
    word: string,
    private readonly env: ExpansionEnv,
    private readonly settings: LexSettings,
    private readonly budget: ExpansionBudget,
  ) {
    this.cursor = new RuneCursor(word);
    this.rawEscapes = settings.rawEscapes;
  }

  /** Lex the whole word. Throws ExpansionError with BuildKit's inner message (the caller adds the word). */
  run(): LexOutcome {
    this.beginWord(EOF, this.settings.rawEscapes, { kind: 'word' });
    try {
      for (;;) {
        const scan = this.scans[this.scans.length - 1];
        if (scan.kind === 'double-quoted') {
          this.stepDoubleQuoted(scan);
          continue;
        }
        const outcome = this.stepWord(scan);
        if (outcome !== undefined) return outcome;
      }
    } catch (error) {
      if (error instanceof ExpansionError && this.cursor.peek() === EOF) {
        const outermost = this.scans.find((scan): scan is WordScan => scan.kind === 'word' && scan.atEndMessage !== undefined);
        if (outermost !== undefined) throw new ExpansionError(outermost.atEndMessage!);
      }
      throw error;
    }
  }

  private beginWord(stop: string, rawEscapes: boolean, then: Continuation, atEndMessage?: string): void {
    // The accumulator clears the shared field buffer, as BuildKit's nested scans do.
    this.scans.push({ kind: 'word', stop, text: '', fields: new FieldAccumulator(this.fieldBuffer), outerRawEscapes: this.rawEscapes, atEndMessage, then });
    this.rawEscapes = rawEscapes;
  }

  private append(scan: Scan, text: string): void {
    this.budget.grow(scan.text.length, text.length);
    scan.text += text;
  }

  /** A value from a `$` expansion, added to the scan that met the `$`; in a word its whitespace may split. */
  private deliver(value: string): void {
    const scan = this.scans[this.scans.length - 1];
    this.append(scan, value);
    if (scan.kind === 'word') scan.fields.addSplittableText(value);
  }

  /** One step of a word scan; the outcome when the whole word is done. */
  private stepWord(scan: WordScan): LexOutcome | undefined {
    const { escape, skipProcessQuotes } = this.settings;
    const next = this.cursor.peek();
    if (next === EOF) return this.endAtInputEnd(scan);
    if (scan.stop !== EOF && next === scan.stop) {
      this.cursor.next();
      return this.endWord(scan);
    }
    if (next === '$') {
      this.beginDollar();
      return undefined;
    }
    if (next === '"' && !skipProcessQuotes) {
      const open = this.cursor.next();
      this.scans.push({ kind: 'double-quoted', text: '' });
      if (this.settings.rawQuotes) this.append(this.scans[this.scans.length - 1], open);
      return undefined;
    }
    if (next === '<' || (next === "'" && !skipProcessQuotes)) {
      const value = next === '<' ? this.scanPossibleHeredoc() : this.scanSingleQuoted();
      this.append(scan, value);
      scan.fields.addLiteral(value);
      return undefined;
    }
    let codePoint = this.cursor.next();
    if (codePoint === escape) {
      if (this.rawEscapes) {
        this.append(scan, codePoint);
        scan.fields.addLiteral(codePoint);
      }
      codePoint = this.cursor.next();
      // An escape at the very end of the word is dropped (`hello\` → `hello`).
      if (codePoint === EOF) return this.endAtInputEnd(scan);
      scan.fields.addLiteral(codePoint);
    } else {
      scan.fields.addSplittable(codePoint);
    }
    this.append(scan, codePoint);
    return undefined;
  }

  /** The input ran out: the end of a word scan that wanted it, an error for one that stops at a character. */
  private endAtInputEnd(scan: WordScan): LexOutcome | undefined {
    if (scan.stop !== EOF) throw new ExpansionError(`unexpected end of statement while looking for matching ${scan.stop}`);
    return this.endWord(scan);
  }

  /** A word scan is done: its text goes where its continuation says. */
  private endWord(scan: WordScan): LexOutcome | undefined {
    const fields = scan.fields.finish();
    this.scans.pop();
    this.rawEscapes = scan.outerRawEscapes;
    const then = scan.then;
    switch (then.kind) {
      case 'word':
        return { text: scan.text, fields, lookups: this.lookups };
      case 'modifier':
        this.deliver(this.applyModifier(then, scan.text));
        return undefined;
      case 'pattern':
        this.beginWord('}', true, { kind: 'replacement', name: then.name, all: then.all, pattern: scan.text }, "syntax error: missing '}'");
        return undefined;
      case 'replacement':
        this.deliver(this.substitutePattern(then, scan.text));
        return undefined;
    }
  }

  /**
   * One step of `"..."`: `$` expands; the escape character escapes only `"`, `$` and itself, and stays
   * literal before anything else (`"abc\tdef"` keeps its backslash). Expansions inside never split fields.
   */
  private stepDoubleQuoted(scan: QuotedScan): void {
    const { escape, rawQuotes } = this.settings;
    const next = this.cursor.peek();
    if (next === EOF) {
      throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
    }
    if (next === '"') {
      this.cursor.next();
      if (rawQuotes) this.append(scan, next);
      this.scans.pop();
      const outer = this.scans[this.scans.length - 1] as WordScan;
      this.append(outer, scan.text);
      outer.fields.addLiteral(scan.text);
      return;
    }
    if (next === '$') {
      this.beginDollar();
      return;
    }
    let codePoint = this.cursor.next();
    if (codePoint === escape) {
      if (this.rawEscapes) this.append(scan, codePoint);
      const escaped = this.cursor.peek();
      // An escape right before the end is dropped; the next step reports the missing closing quote.
      if (escaped === EOF) return;
      if (escaped === '"' || escaped === '$' || escaped === escape) codePoint = this.cursor.next();
    }
    this.append(scan, codePoint);
  }

  /** `'...'`: everything literal up to the next `'`; there is no way to escape a `'` inside. */
  private scanSingleQuoted(): string {
    const open = this.cursor.next();
    let text = this.settings.rawQuotes ? open : '';
    for (;;) {
      const codePoint = this.cursor.next();
      if (codePoint === EOF) {
        throw new ExpansionError('unexpected end of statement while looking for matching single-quote');
      }
      if (codePoint === "'") return this.settings.rawQuotes ? text + codePoint : text;
      text += codePoint;
    }
  }

  /**
   * `<<` keeps the blanks after it attached (BuildKit 0b77373ab "allow whitespace in heredocs"), so that
   * `<< EOF` stays one field when the parser looks for heredocs. The text itself is unchanged.
   */
  private scanPossibleHeredoc(): string {
    this.cursor.next();
    if (this.cursor.peek() !== '<') return '<';
    this.cursor.next();
    let text = '<<';
    while (HEREDOC_GAP.has(this.cursor.peek())) text += this.cursor.next();
    return text;
  }

  /**
   * `$name`, `${name}` or `${name<modifier>...}`, with the cursor on the `$`. A value known at once is
   * delivered; a form with a word to scan begins that scan, and its continuation delivers the value.
   */
  private beginDollar(): void {
    this.cursor.next();
    if (this.cursor.peek() !== '{') {
      const name = this.readName();
      // `$` not followed by a name is a literal `$` (`$.` stays `$.`).
      if (name === '') return this.deliver('$');
      const value = this.lookup(name);
      if (value === undefined && this.settings.skipUnsetEnv) return this.deliver(`$${name}`);
      return this.deliver(value ?? '');
    }

    this.cursor.next();
    const first = this.cursor.peek();
    if (first === EOF) throw new ExpansionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpansionError('syntax error: bad substitution');

    const name = this.readName();
    const modifier = this.cursor.next();
    if (modifier === '}') {
      const value = this.lookup(name);
      if (value === undefined && this.settings.skipUnsetEnv) return this.deliver(`\${${name}}`);
      return this.deliver(value ?? '');
    }
    if (modifier === '/') {
      const all = this.cursor.peek() === '/';
      if (all) this.cursor.next();
      // Unlike bash, the second `/` is required: `${x/a}` is an error.
      return this.beginWord('/', true, { kind: 'pattern', name, all }, "syntax error: missing '/' in ${}");
    }
    if (modifier === ':') {
      // Whatever follows the `:` is read as the modifier; an unknown one is only rejected after its word
      // has been lexed, so `${x:=a` reports the missing `}` and `${x:=a}` the unsupported modifier.
      const afterColon = this.cursor.next();
      return this.beginModifier(name, afterColon, `:${printable(afterColon)}`, true);
    }
    if (!MODIFIERS.has(modifier)) {
      throw new ExpansionError(`unsupported modifier (${printable(modifier)}) in substitution`);
    }
    return this.beginModifier(name, modifier, modifier, false);
  }

  /** The `-`, `+`, `?`, `#` and `%` forms; `nullIsUnset` for the `:` variants, which treat `''` as unset. */
  private beginModifier(name: string, modifier: string, written: string, nullIsUnset: boolean): void {
    const trims = modifier === '#' || modifier === '%';
    // `${x:#p}` and `${x:%p}` mean nothing in a POSIX shell; BuildKit 9749c5266 rejects them up front.
    if (nullIsUnset && trims) throw new ExpansionError(`unsupported modifier (${written}) in substitution`);
    // Patterns keep their escapes so the glob converter can tell `\*` from `*`.
    this.beginWord('}', trims, { kind: 'modifier', name, modifier, written, nullIsUnset }, "syntax error: missing '}'");
  }

  /** The value of a modifier form once its word is scanned. */
  private applyModifier(form: Extract<Continuation, { kind: 'modifier' }>, scanned: string): string {
    const { name, modifier, written, nullIsUnset } = form;
    let word = scanned;
    const value = this.lookup(name);
    if (value === undefined && this.settings.skipUnsetEnv) return `\${${name}${written}${word}}`;
    const empty = value === undefined || (nullIsUnset && value === '');

    switch (modifier) {
      case '-':
        return empty ? word : value!;
      case '+':
        return empty ? '' : word;
      case '?':
        if (value === undefined) throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
        if (empty) throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        // A doubled `##`/`%%` asks for the longest match instead of the shortest.
        const greedy = word.startsWith(modifier);
        if (greedy) word = word.slice(1);
        return modifier === '%'
          ? trimPatternSuffix(word, value ?? '', greedy, this.budget)
          : trimPatternPrefix(word, value ?? '', greedy, this.budget);
      }
      default:
        throw new ExpansionError(`unsupported modifier (${written}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}` once both parts are scanned. */
  private substitutePattern(form: Extract<Continuation, { kind: 'replacement' }>, replacement: string): string {
    const { name, all, pattern } = form;
    const value = this.lookup(name);
    if (value === undefined && this.settings.skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
    return replacePattern(pattern, value ?? '', replacement, all, this.budget);
  }

  /**
   * A name: a run of letters, digits and `_`; a run of digits alone when it starts with one (`$1x` is `$1`
   * then `x`, and `$001` is the name `001`); or one special parameter character.
   */
  private readName(): string {
    let name = '';
    while (this.cursor.peek() !== EOF) {
      const next = this.cursor.peek();
      if (name === '' && isGoDigit(next)) {
        while (isGoDigit(this.cursor.peek())) name += this.cursor.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMETERS.has(next)) return this.cursor.next();
      if (!isGoLetter(next) && !isGoDigit(next) && next !== '_') break;
      name += this.cursor.next();
    }
    return name;
  }

  private lookup(name: string): string | undefined {
    const value = this.env.get(name);
    if (!this.lookups.has(name)) this.lookups.set(name, value !== undefined);
    return value;
  }
}
