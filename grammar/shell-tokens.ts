/**
 * Token types of the shell grammar. They have no regular-expression patterns: shell tokenization depends on
 * context (quotes nest inside `$(…)`, reserved words are only reserved in command position, here-document
 * bodies are read after the next newline), so grammar/shell-scanner.ts produces the tokens by hand and the
 * chevrotain parser in grammar/shell.ts only sees operators, words and reserved words.
 */
import { createToken, Lexer, TokenType } from 'chevrotain';

function token(name: string): TokenType {
  return createToken({ name, pattern: Lexer.NA });
}

/** A shell word; its payload is a ShellWord. */
export const Word = token('Word');
/** Digits directly before a redirection operator (`2>`); its payload is the number. */
export const IoNumber = token('IoNumber');
/** A redirection operator; its payload is a RedirectTokenPayload. */
export const RedirectOp = token('RedirectOp');
export const Newline = token('Newline');
export const Semi = token('Semi');
export const Amp = token('Amp');
export const AndIf = token('AndIf');
export const OrIf = token('OrIf');
/** `|` or bash's `|&`. */
export const Pipe = token('Pipe');
/** `;;`, or bash's `;&` and `;;&`. */
export const CaseSeparator = token('CaseSeparator');
export const LParen = token('LParen');
export const RParen = token('RParen');

export const If = token('If');
export const Then = token('Then');
export const Elif = token('Elif');
export const Else = token('Else');
export const Fi = token('Fi');
export const Do = token('Do');
export const Done = token('Done');
export const While = token('While');
export const Until = token('Until');
export const For = token('For');
export const In = token('In');
export const Case = token('Case');
export const Esac = token('Esac');
export const LBrace = token('LBrace');
export const RBrace = token('RBrace');
export const Bang = token('Bang');
export const FunctionKeyword = token('Function');

/**
 * Reserved words recognized in command position (XCU 2.4), plus bash's `function`. `in` is not here: it is
 * only reserved after `for name` and `case word`.
 */
export const reservedWords: ReadonlyMap<string, TokenType> = new Map([
  ['if', If],
  ['then', Then],
  ['elif', Elif],
  ['else', Else],
  ['fi', Fi],
  ['do', Do],
  ['done', Done],
  ['while', While],
  ['until', Until],
  ['for', For],
  ['case', Case],
  ['esac', Esac],
  ['{', LBrace],
  ['}', RBrace],
  ['!', Bang],
  ['function', FunctionKeyword],
]);

export const allShellTokens: TokenType[] = [
  Word,
  IoNumber,
  RedirectOp,
  Newline,
  Semi,
  Amp,
  AndIf,
  OrIf,
  Pipe,
  CaseSeparator,
  LParen,
  RParen,
  ...reservedWords.values(),
  In,
];
