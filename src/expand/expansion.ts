import { ExpansionError, type SourceLocation } from '../errors';
import type { ExpansionEnv } from './environment';
import { ExpansionBudget } from './expansion-budget';
import { goQuote } from './go-quote';
import { WordLexer } from './word-lexer';

/** How to expand a word. Every switch defaults to what BuildKit uses for instruction arguments. */
export interface ExpansionOptions {
  /** The Dockerfile escape character (`# escape=` directive). Default `\`. */
  escape?: '\\' | '`';
  /** Keep quote characters in the result (BuildKit `RawQuotes`). Default false. */
  rawQuotes?: boolean;
  /** Keep escape characters in the result (BuildKit `RawEscapes`). Default false. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters, as BuildKit does for heredoc bodies (`SkipProcessQuotes`). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to `''` (`SkipUnsetEnv`). */
  skipUnsetEnv?: boolean;
  /** Where the word is, attached to any ExpansionError thrown. */
  location?: SourceLocation;
  /**
   * The account of expansion work this word draws on; share one across a Dockerfile so that its totals
   * hold for the file (see `EXPANSION_LIMITS`). Default: a fresh one for this word.
   */
  budget?: ExpansionBudget;
}

/** Words longer than this are shortened when quoted in a message, which stays one readable line. */
const QUOTED_WORD_LENGTH = 120;

/** The word as BuildKit quotes it in messages, its middle elided when it is long. */
function quoteWord(word: string): string {
  if (word.length <= QUOTED_WORD_LENGTH) return goQuote(word);
  const half = QUOTED_WORD_LENGTH / 2;
  return `${goQuote(word.slice(0, half))}…${goQuote(word.slice(-half))} (${word.length} characters)`;
}

/** A word's expansion and what it referred to. */
export interface DetailedExpansion {
  /** The expanded word, as `expandWord` returns it. */
  result: string;
  /** The expanded word split into fields, as `expandWords` returns it. */
  words: string[];
  /**
   * Every variable name the word looked up, set or not, in the order first looked up. Positional and
   * special parameters (`$1`, `$@`) are names too, as in BuildKit's match sets.
   */
  referenced: string[];
  /** The referenced names that were not set (BuildKit's "unmatched", which its UndefinedVar check reads). */
  unset: string[];
}

/**
 * Expand a word and report what it referenced (BuildKit `ProcessWordWithMatches`).
 * @throws ExpansionError, with BuildKit's message, for bad substitutions, unterminated quotes or `${x?msg}`,
 * and when the expansion would exceed the limits of its budget.
 */
export function expandWordDetailed(word: string, env: ExpansionEnv, options: ExpansionOptions = {}): DetailedExpansion {
  const lexer = new WordLexer(word, env, {
    escape: options.escape ?? '\\',
    rawQuotes: options.rawQuotes ?? false,
    rawEscapes: options.rawEscapes ?? false,
    skipProcessQuotes: options.skipProcessQuotes ?? false,
    skipUnsetEnv: options.skipUnsetEnv ?? false,
  }, options.budget ?? new ExpansionBudget());
  try {
    const { text, fields, lookups } = lexer.run();
    const referenced = [...lookups.keys()];
    return { result: text, words: fields, referenced, unset: referenced.filter((name) => !lookups.get(name)) };
  } catch (error) {
    if (error instanceof ExpansionError) {
      throw new ExpansionError(`failed to process ${quoteWord(word)}: ${error.message}`, options.location);
    }
    throw error;
  }
}

/**
 * Expand one word as BuildKit's `ProcessWord` does: quotes removed, escapes applied, variables expanded, and
 * no field splitting (`COPY $SRCS /d` with `SRCS="a b"` names one source `a b`). Unset variables are `''`.
 */
export function expandWord(word: string, env: ExpansionEnv, options: ExpansionOptions = {}): string {
  return expandWordDetailed(word, env, options).result;
}

/**
 * Expand and split into fields as BuildKit's `ProcessWords` does (EXPOSE, heredoc detection): unquoted
 * whitespace splits, including whitespace that came from a variable's value, and empty fields vanish.
 */
export function expandWords(word: string, env: ExpansionEnv, options: ExpansionOptions = {}): string[] {
  return expandWordDetailed(word, env, options).words;
}
