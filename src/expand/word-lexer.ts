import { ExpansionError } from '../errors';
import type { ExpansionEnv } from './environment';
import { FieldAccumulator, SharedFieldBuffer } from './field-splitting';
import { isGoDigit, isGoLetter } from './go-unicode';
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

/**
 * Lexes one word against one environment; make a new one per word. Mutable state mirrors BuildKit's:
 * whether escapes are currently kept (patterns keep them) and the field buffer nested scans share.
 */
export class WordLexer {
  private readonly cursor: RuneCursor;
  private rawEscapes: boolean;
  private readonly fieldBuffer = new SharedFieldBuffer();
  private readonly lookups = new Map<string, boolean>();

  constructor(
    word: string,
    private readonly env: ExpansionEnv,
    private readonly settings: LexSettings,
  ) {
    this.cursor = new RuneCursor(word);
    this.rawEscapes = settings.rawEscapes;
  }

  /** Lex the whole word. Throws ExpansionError with BuildKit's inner message (the caller adds the word). */
  run(): LexOutcome {
    const { text, fields } = this.scanUntil(EOF, this.settings.rawEscapes);
    return { text, fields, lookups: this.lookups };
  }

  /** BuildKit `processStopOn`: lex until `stop` (consumed) or, when `stop` is EOF, the end of the word. */
  private scanUntil(stop: string, rawEscapes: boolean): { text: string; fields: string[] } {
    const outerRawEscapes = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.scanUntilWithCurrentEscapes(stop);
    } finally {
      this.rawEscapes = outerRawEscapes;
    }
  }

  private scanUntilWithCurrentEscapes(stop: string): { text: string; fields: string[] } {
    const { escape, skipProcessQuotes } = this.settings;
    const fields = new FieldAccumulator(this.fieldBuffer);
    let text = '';
    while (this.cursor.peek() !== EOF) {
      const next = this.cursor.peek();
      if (stop !== EOF && next === stop) {
        this.cursor.next();
        return { text, fields: fields.finish() };
      }
      if (next === '$') {
        const value = this.expandDollar();
        text += value;
        fields.addSplittableText(value);
        continue;
      }
      if (next === '<' || (!skipProcessQuotes && (next === "'" || next === '"'))) {
        const value = next === '<' ? this.scanPossibleHeredoc() : next === "'" ? this.scanSingleQuoted() : this.scanDoubleQuoted();
        text += value;
        fields.addLiteral(value);
        continue;
      }
      let codePoint = this.cursor.next();
      if (codePoint === escape) {
        if (this.rawEscapes) {
          fields.addLiteral(codePoint);
          text += codePoint;
        }
        codePoint = this.cursor.next();
        // An escape at the very end of the word is dropped (`hello\` → `hello`).
        if (codePoint === EOF) break;
        fields.addLiteral(codePoint);
      } else {
        fields.addSplittable(codePoint);
      }
      text += codePoint;
    }
    if (stop !== EOF) {
      throw new ExpansionError(`unexpected end of statement while looking for matching ${stop}`);
    }
    return { text, fields: fields.finish() };
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
   * `"..."`: `$` expands; the escape character escapes only `"`, `$` and itself, and stays literal before
   * anything else (`"abc\tdef"` keeps its backslash). Expansions inside never split fields.
   */
  private scanDoubleQuoted(): string {
    const { escape, rawQuotes } = this.settings;
    const open = this.cursor.next();
    let text = rawQuotes ? open : '';
    for (;;) {
      const next = this.cursor.peek();
      if (next === EOF) {
        throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
      }
      if (next === '"') {
        this.cursor.next();
        return rawQuotes ? text + next : text;
      }
      if (next === '$') {
        text += this.expandDollar();
        continue;
      }
      let codePoint = this.cursor.next();
      if (codePoint === escape) {
        if (this.rawEscapes) text += codePoint;
        const escaped = this.cursor.peek();
        // An escape right before the end is dropped; the loop then reports the missing closing quote.
        if (escaped === EOF) continue;
        if (escaped === '"' || escaped === '$' || escaped === escape) codePoint = this.cursor.next();
      }
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

  /** `$name`, `${name}` or `${name<modifier>...}`, with the cursor on the `$`. */
  private expandDollar(): string {
    this.cursor.next();
    if (this.cursor.peek() !== '{') {
      const name = this.readName();
      // `$` not followed by a name is a literal `$` (`$.` stays `$.`).
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.settings.skipUnsetEnv) return `$${name}`;
      return value ?? '';
    }

    this.cursor.next();
    const first = this.cursor.peek();
    if (first === EOF) throw new ExpansionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpansionError('syntax error: bad substitution');

    const name = this.readName();
    const modifier = this.cursor.next();
    if (modifier === '}') {
      const value = this.lookup(name);
      if (value === undefined && this.settings.skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (modifier === '/') return this.substitutePattern(name);
    if (modifier === ':') {
      // Whatever follows the `:` is read as the modifier; an unknown one is only rejected after its word
      // has been lexed, so `${x:=a` reports the missing `}` and `${x:=a}` the unsupported modifier.
      const afterColon = this.cursor.next();
      return this.applyModifier(name, afterColon, `:${printable(afterColon)}`, true);
    }
    if (!MODIFIERS.has(modifier)) {
      throw new ExpansionError(`unsupported modifier (${printable(modifier)}) in substitution`);
    }
    return this.applyModifier(name, modifier, modifier, false);
  }

  /** The `-`, `+`, `?`, `#` and `%` forms; `nullIsUnset` for the `:` variants, which treat `''` as unset. */
  private applyModifier(name: string, modifier: string, written: string, nullIsUnset: boolean): string {
    const trims = modifier === '#' || modifier === '%';
    // `${x:#p}` and `${x:%p}` mean nothing in a POSIX shell; BuildKit 9749c5266 rejects them up front.
    if (nullIsUnset && trims) throw new ExpansionError(`unsupported modifier (${written}) in substitution`);
    // Patterns keep their escapes so the glob converter can tell `\*` from `*`.
    let word = this.scanBraced('}', trims, "syntax error: missing '}'");

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
        return modifier === '%' ? trimPatternSuffix(word, value ?? '', greedy) : trimPatternPrefix(word, value ?? '', greedy);
      }
      default:
        throw new ExpansionError(`unsupported modifier (${written}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`, with the cursor after the first `/`. */
  private substitutePattern(name: string): string {
    const all = this.cursor.peek() === '/';
    if (all) this.cursor.next();
    // Unlike bash, the second `/` is required: `${x/a}` is an error.
    const pattern = this.scanBraced('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.scanBraced('}', true, "syntax error: missing '}'");
    const value = this.lookup(name);
    if (value === undefined && this.settings.skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
    return replacePattern(pattern, value ?? '', replacement, all);
  }

  /**
   * The word of a `${...}` form up to `stop`. BuildKit replaces any failure inside it by `atEndMessage` when
   * the word ran out, even one from a nested expansion (`${a:-${b:?}` reports the missing `}`).
   */
  private scanBraced(stop: string, rawEscapes: boolean, atEndMessage: string): string {
    try {
      return this.scanUntil(stop, rawEscapes).text;
    } catch (error) {
      if (error instanceof ExpansionError && this.cursor.peek() === EOF) throw new ExpansionError(atEndMessage);
      throw error;
    }
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
