/**
 * The typed syntax tree of a POSIX shell script, as `/bin/sh -c "<text>"` (Dockerfile shell form) or an
 * entrypoint script would run it. The grammar in grammar/shell.ts builds it; the analyses in this folder read it.
 *
 * Shape follows the POSIX Shell Command Language grammar (XCU 2.10): a script is a list of and-or lists, an
 * and-or list is pipelines joined by `&&`/`||`, a pipeline is commands joined by `|`. A few bash forms that show
 * up in entrypoint scripts (`function f {}`, `|&`, `&>`, `<<<`, `$'…'`, `;&`) are accepted so that scripts with
 * a bash shebang still parse; the analyses treat them conservatively.
 */

/** 1-based position of a node's first character in the text handed to parseShell. */
export interface ShellPosition {
  line: number;
  column: number;
}

/** Unquoted literal text, backslash escapes already removed. */
export interface LiteralPart {
  kind: 'literal';
  value: string;
}

/** A character protected by a backslash outside quotes (`\$`, `\ `); the backslash is removed. */
export interface EscapedPart {
  kind: 'escaped';
  value: string;
}

/** `'…'`: every character literal, no escapes. */
export interface SingleQuotedPart {
  kind: 'single';
  value: string;
}

/** `"…"`: literal text plus the expansions that stay active inside double quotes. */
export interface DoubleQuotedPart {
  kind: 'double';
  parts: WordPart[];
}

/** An unquoted pattern character (`*`, `?`, or a `[` that opens a bracket expression): pathname expansion. */
export interface GlobPart {
  kind: 'glob';
  value: string;
}

/** An unquoted `~` or `~user` at the start of a word or after `=`/`:`: tilde expansion. */
export interface TildePart {
  kind: 'tilde';
  user: string;
}

/**
 * `$name`, `$1`, `$@`, `${name}`, `${name:-word}`, `${#name}` and the other `${…}` forms.
 * `operator` is the modifier as written (`:-`, `%%`, `#length` for `${#x}`); `argument` holds the word after it,
 * scanned so that command substitutions inside it are found.
 */
export interface ParameterPart {
  kind: 'parameter';
  name: string;
  operator?: string;
  argument?: WordPart[];
  /** Source text, `$x` or `${x:-y}`. */
  text: string;
}

/** `$(…)` or `` `…` ``, with the inner script parsed. */
export interface CommandSubstitutionPart {
  kind: 'command';
  script: ShellScript;
  backquoted: boolean;
  text: string;
}

/** `$((…))`, kept opaque. */
export interface ArithmeticPart {
  kind: 'arithmetic';
  expression: string;
  text: string;
}

/**
 * bash's `$'…'` (ANSI-C escapes) and `$"…"` (locale translation). dash reads both as a literal `$` followed by a
 * quoted string, bash does not, so their meaning depends on which shell /bin/sh is.
 */
export interface DollarQuotedPart {
  kind: 'dollar-quoted';
  text: string;
}

/** bash's array assignment value `name=(a b c)`, kept as source text. */
export interface ArrayPart {
  kind: 'array';
  text: string;
}

export type WordPart =
  | LiteralPart
  | EscapedPart
  | SingleQuotedPart
  | DoubleQuotedPart
  | GlobPart
  | TildePart
  | ParameterPart
  | CommandSubstitutionPart
  | ArithmeticPart
  | DollarQuotedPart
  | ArrayPart;

/** One shell word: its source text and its parts in order. */
export interface ShellWord extends ShellPosition {
  text: string;
  parts: WordPart[];
}

/** `NAME=value` before a command name (or alone). `value` is the word with `NAME=` removed. */
export interface Assignment extends ShellPosition {
  name: string;
  /** True for bash's `NAME+=value`. */
  append: boolean;
  value: ShellWord;
}

/** A here-document body, read from the lines after the command that opened it. */
export interface HereDocument {
  delimiter: string;
  /** A quoted delimiter (`<<'EOF'`) turns expansion off in the body. */
  quoted: boolean;
  /** `<<-` removes leading tabs from body lines and from the delimiter line. */
  stripTabs: boolean;
  body: string;
  /** Expansions of an unquoted body; a single literal part when quoted. */
  parts: WordPart[];
}

export type RedirectOperator =
  | '<'
  | '>'
  | '>>'
  | '>|'
  | '<>'
  | '<&'
  | '>&'
  | '&>'
  | '&>>'
  | '<<'
  | '<<-'
  | '<<<';

/** `[n]op word`, e.g. `2>&1`, `>>log`, `<<EOF`. */
export interface Redirect extends ShellPosition {
  fd?: number;
  operator: RedirectOperator;
  /** The file, descriptor or here-doc delimiter word. */
  target: ShellWord;
  heredoc?: HereDocument;
}

/** `A=1 cmd arg >file`. `words[0]` is the command name; a command may be only assignments or redirects. */
export interface SimpleCommand extends ShellPosition {
  kind: 'simple';
  assignments: Assignment[];
  words: ShellWord[];
  redirects: Redirect[];
}

/** `( list )`: runs in a child shell. */
export interface Subshell extends ShellPosition {
  kind: 'subshell';
  body: CommandList;
  redirects: Redirect[];
}

/** `{ list; }`: runs in the current shell. */
export interface BraceGroup extends ShellPosition {
  kind: 'group';
  body: CommandList;
  redirects: Redirect[];
}

export interface IfClause {
  condition: CommandList;
  body: CommandList;
}

/** `if … then … elif … then … else … fi`. */
export interface IfCommand extends ShellPosition {
  kind: 'if';
  clauses: IfClause[];
  elseBody?: CommandList;
  redirects: Redirect[];
}

/** `for name in words; do …; done`; without `in`, `words` is undefined and the loop runs over `"$@"`. */
export interface ForCommand extends ShellPosition {
  kind: 'for';
  variable: string;
  words?: ShellWord[];
  body: CommandList;
  redirects: Redirect[];
}

/** `while list; do list; done`, or `until` when `until` is true. */
export interface WhileCommand extends ShellPosition {
  kind: 'while';
  until: boolean;
  condition: CommandList;
  body: CommandList;
  redirects: Redirect[];
}

export interface CaseItem extends ShellPosition {
  patterns: ShellWord[];
  body: CommandList;
  /** `;;`, or bash's fall-through `;&` / `;;&`; undefined for a last item without one. */
  terminator?: ';;' | ';&' | ';;&';
}

/** `case word in pattern) list;; … esac`. */
export interface CaseCommand extends ShellPosition {
  kind: 'case';
  subject: ShellWord;
  items: CaseItem[];
  redirects: Redirect[];
}

/** `name() compound-command` or bash's `function name { … }`. */
export interface FunctionDefinition extends ShellPosition {
  kind: 'function';
  name: string;
  body: CompoundCommand;
  redirects: Redirect[];
}

export type CompoundCommand = Subshell | BraceGroup | IfCommand | ForCommand | WhileCommand | CaseCommand;

export type Command = SimpleCommand | CompoundCommand | FunctionDefinition;

/** Commands joined by `|` (or bash's `|&`), optionally negated with `!`. */
export interface Pipeline extends ShellPosition {
  negated: boolean;
  commands: Command[];
}

/** Pipelines joined by `&&` and `||`, evaluated left to right with equal precedence. */
export interface AndOrList extends ShellPosition {
  first: Pipeline;
  rest: { operator: '&&' | '||'; pipeline: Pipeline }[];
}

/** One entry of a list with the separator that ended it (`&` runs it in the background). */
export interface ListItem {
  command: AndOrList;
  separator?: ';' | '&' | '\n';
}

/** A sequence of and-or lists, as in a script body or between `then` and `fi`. */
export interface CommandList {
  items: ListItem[];
}

/** A whole parsed script. */
export interface ShellScript {
  kind: 'script';
  body: CommandList;
}
