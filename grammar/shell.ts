/**
 * The shell grammar: a chevrotain parser over the tokens of grammar/shell-scanner.ts, building the AST of
 * src/shell/ast.ts directly (embedded actions). Rules follow the POSIX Shell Command Language grammar
 * (XCU 2.10.2), simplified where the scanner already did the work (reserved words, here-documents).
 */
import { EmbeddedActionsParser, IRecognitionException, IToken } from 'chevrotain';
import { ShellSyntaxError } from '../src/shell/shell-syntax-error';
import type {
  AndOrList,
  Assignment,
  CaseCommand,
  CaseItem,
  Command,
  CommandList,
  CompoundCommand,
  FunctionDefinition,
  IfClause,
  IfCommand,
  ListItem,
  Pipeline,
  Redirect,
  ShellScript,
  ShellWord,
  SimpleCommand,
} from '../src/shell/ast';
import { RedirectTokenPayload, ShellScanner } from './shell-scanner';
import * as T from './shell-tokens';

/** Deep enough for any real script; keeps hostile input from overflowing the JavaScript stack. */
const MAX_LIST_NESTING = 64;

function at(token: IToken): { line: number; column: number } {
  return { line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;

/** `NAME=value` when the name and `=` are unquoted literal text (XCU 2.10.2 rule 7). */
function asAssignment(word: ShellWord): Assignment | undefined {
  const first = word.parts[0];
  if (first?.kind !== 'literal') return undefined;
  const match = ASSIGNMENT.exec(first.value);
  if (match === null) return undefined;
  const rest = first.value.slice(match[0].length);
  const value: ShellWord = {
    text: word.text.slice(word.text.indexOf('=') + 1),
    parts: rest === '' ? word.parts.slice(1) : [{ kind: 'literal', value: rest }, ...word.parts.slice(1)],
    line: word.line,
    column: word.column + match[0].length,
  };
  return { name: match[1], append: match[2] === '+', value, line: word.line, column: word.column };
}

class ShellGrammar extends EmbeddedActionsParser {
  private nesting = 0;

  constructor() {
    super(T.allShellTokens, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  /** Resets per-parse state; chevrotain reuses the parser instance. */
  begin(tokens: IToken[]): void {
    this.nesting = 0;
    this.input = tokens;
  }

  public script = this.RULE('script', (): ShellScript => ({ kind: 'script', body: this.SUBRULE(this.list) }));

  /** and-or lists separated by `;`, `&` or newlines; a command may only start after a separator. */
  private list = this.RULE('list', (): CommandList => {
    const items: ListItem[] = [];
    let open = true;
    this.ACTION(() => {
      if (++this.nesting > MAX_LIST_NESTING) {
        const token = this.LA(1);
        throw new ShellSyntaxError(`nesting deeper than ${MAX_LIST_NESTING} levels`, at(token), false);
      }
    });
    this.MANY(() =>
      this.OR([
        {
          GATE: () => open,
          ALT: () => {
            const command = this.SUBRULE(this.andOr);
            this.ACTION(() => {
              items.push({ command });
              open = false;
            });
          },
        },
        {
          GATE: () => !open,
          ALT: () => {
            const separator = this.OR2([
              { ALT: () => this.CONSUME(T.Semi) },
              { ALT: () => this.CONSUME(T.Amp) },
            ]);
            this.ACTION(() => {
              items[items.length - 1].separator = separator.image === '&' ? '&' : ';';
              open = true;
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Newline);
            this.ACTION(() => {
              if (!open) items[items.length - 1].separator = '\n';
              open = true;
            });
          },
        },
      ]),
    );
    this.ACTION(() => this.nesting--);
    return { items };
  });

  private andOr = this.RULE('andOr', (): AndOrList => {
    const first = this.SUBRULE(this.pipeline);
    const rest: AndOrList['rest'] = [];
    this.MANY(() => {
      const operator = this.OR([
        { ALT: () => this.CONSUME(T.AndIf) },
        { ALT: () => this.CONSUME(T.OrIf) },
      ]);
      this.MANY2(() => this.CONSUME(T.Newline));
      const pipeline = this.SUBRULE2(this.pipeline);
      rest.push({ operator: operator.image === '&&' ? '&&' : '||', pipeline });
    });
    return { first, rest, line: first?.line, column: first?.column };
  });

  private pipeline = this.RULE('pipeline', (): Pipeline => {
    const start = this.LA(1);
    const bang = this.OPTION(() => this.CONSUME(T.Bang));
    const commands: Command[] = [this.SUBRULE(this.command)];
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.MANY2(() => this.CONSUME(T.Newline));
      commands.push(this.SUBRULE2(this.command));
    });
    return { negated: bang !== undefined, commands, ...at(start) };
  });

  private command = this.RULE('command', (): Command =>
    this.OR([
      { ALT: () => this.SUBRULE(this.functionDefinition) },
      { ALT: () => this.SUBRULE(this.simpleCommand) },
      { ALT: () => this.SUBRULE(this.functionKeywordDefinition) },
      {
        ALT: () => {
          const compound = this.SUBRULE(this.compoundCommand);
          this.MANY(() => {
            const redirect = this.SUBRULE(this.redirect);
            this.ACTION(() => compound.redirects.push(redirect));
          });
          return compound;
        },
      },
    ]),
  );

  private simpleCommand = this.RULE('simpleCommand', (): SimpleCommand => {
    const start = this.LA(1);
    const words: ShellWord[] = [];
    const redirects: Redirect[] = [];
    this.AT_LEAST_ONE(() =>
      this.OR([
        { ALT: () => words.push(this.CONSUME(T.Word).payload as ShellWord) },
        { ALT: () => redirects.push(this.SUBRULE(this.redirect)) },
      ]),
    );
    const assignments: Assignment[] = [];
    this.ACTION(() => {
      while (words.length > 0) {
        const assignment = asAssignment(words[0]);
        if (assignment === undefined) break;
        assignments.push(assignment);
        words.shift();
      }
    });
    return { kind: 'simple', assignments, words, redirects, ...at(start) };
  });

  private redirect = this.RULE('redirect', (): Redirect => {
    const start = this.LA(1);
    const fd = this.OPTION(() => this.CONSUME(T.IoNumber));
    const operator = this.CONSUME(T.RedirectOp);
    const target = this.CONSUME(T.Word);
    const payload = operator.payload as RedirectTokenPayload | undefined;
    return {
      fd: fd?.payload as number | undefined,
      operator: payload?.operator ?? '>',
      target: target.payload as ShellWord,
      heredoc: payload?.heredoc,
      ...at(start),
    };
  });

  private functionDefinition = this.RULE('functionDefinition', (): FunctionDefinition => {
    const name = this.CONSUME(T.Word);
    this.CONSUME(T.LParen);
    this.CONSUME(T.RParen);
    this.MANY(() => this.CONSUME(T.Newline));
    const body = this.SUBRULE(this.compoundCommand);
    const redirects: Redirect[] = [];
    this.MANY2(() => redirects.push(this.SUBRULE(this.redirect)));
    return { kind: 'function', name: name.image, body, redirects, ...at(name) };
  });

  /** bash's `function name [()] compound-command`. */
  private functionKeywordDefinition = this.RULE('functionKeywordDefinition', (): FunctionDefinition => {
    const keyword = this.CONSUME(T.FunctionKeyword);
    const name = this.CONSUME(T.Word);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.CONSUME(T.RParen);
    });
    this.MANY(() => this.CONSUME(T.Newline));
    const body = this.SUBRULE(this.compoundCommand);
    const redirects: Redirect[] = [];
    this.MANY2(() => redirects.push(this.SUBRULE(this.redirect)));
    return { kind: 'function', name: name.image, body, redirects, ...at(keyword) };
  });

  private compoundCommand = this.RULE('compoundCommand', (): CompoundCommand =>
    this.OR([
      { ALT: () => this.SUBRULE(this.braceGroup) },
      { ALT: () => this.SUBRULE(this.subshell) },
      { ALT: () => this.SUBRULE(this.ifCommand) },
      { ALT: () => this.SUBRULE(this.whileCommand) },
      { ALT: () => this.SUBRULE(this.forCommand) },
      { ALT: () => this.SUBRULE(this.caseCommand) },
    ]),
  );

  private braceGroup = this.RULE('braceGroup', (): CompoundCommand => {
    const open = this.CONSUME(T.LBrace);
    const body = this.SUBRULE(this.list);
    this.CONSUME(T.RBrace);
    return { kind: 'group', body, redirects: [], ...at(open) };
  });

  private subshell = this.RULE('subshell', (): CompoundCommand => {
    const open = this.CONSUME(T.LParen);
    const body = this.SUBRULE(this.list);
    this.CONSUME(T.RParen);
    return { kind: 'subshell', body, redirects: [], ...at(open) };
  });

  private ifCommand = this.RULE('ifCommand', (): IfCommand => {
    const keyword = this.CONSUME(T.If);
    const clauses: IfClause[] = [];
    const condition = this.SUBRULE(this.list);
    this.CONSUME(T.Then);
    clauses.push({ condition, body: this.SUBRULE2(this.list) });
    this.MANY(() => {
      this.CONSUME(T.Elif);
      const elifCondition = this.SUBRULE3(this.list);
      this.CONSUME2(T.Then);
      clauses.push({ condition: elifCondition, body: this.SUBRULE4(this.list) });
    });
    const elseBody = this.OPTION(() => {
      this.CONSUME(T.Else);
      return this.SUBRULE5(this.list);
    });
    this.CONSUME(T.Fi);
    return { kind: 'if', clauses, elseBody, redirects: [], ...at(keyword) };
  });

  private whileCommand = this.RULE('whileCommand', (): CompoundCommand => {
    const keyword = this.OR([
      { ALT: () => this.CONSUME(T.While) },
      { ALT: () => this.CONSUME(T.Until) },
    ]);
    const condition = this.SUBRULE(this.list);
    this.CONSUME(T.Do);
    const body = this.SUBRULE2(this.list);
    this.CONSUME(T.Done);
    return { kind: 'while', until: keyword.image === 'until', condition, body, redirects: [], ...at(keyword) };
  });

  private forCommand = this.RULE('forCommand', (): CompoundCommand => {
    const keyword = this.CONSUME(T.For);
    const variable = this.CONSUME(T.Word);
    this.MANY(() => this.CONSUME(T.Newline));
    const words = this.OPTION(() => {
      this.CONSUME(T.In);
      const list: ShellWord[] = [];
      this.MANY2(() => list.push(this.CONSUME2(T.Word).payload as ShellWord));
      this.OR([{ ALT: () => this.CONSUME(T.Semi) }, { ALT: () => this.CONSUME2(T.Newline) }]);
      return list;
    });
    this.OPTION2(() => this.CONSUME2(T.Semi));
    this.MANY3(() => this.CONSUME3(T.Newline));
    this.CONSUME(T.Do);
    const body = this.SUBRULE(this.list);
    this.CONSUME(T.Done);
    return { kind: 'for', variable: variable.image, words, body, redirects: [], ...at(keyword) };
  });

  private caseCommand = this.RULE('caseCommand', (): CaseCommand => {
    const keyword = this.CONSUME(T.Case);
    const subject = this.CONSUME(T.Word).payload as ShellWord;
    this.MANY(() => this.CONSUME(T.Newline));
    this.CONSUME(T.In);
    this.MANY2(() => this.CONSUME2(T.Newline));
    const items: CaseItem[] = [];
    this.MANY3(() => items.push(this.SUBRULE(this.caseItem)));
    this.CONSUME(T.Esac);
    return { kind: 'case', subject, items, redirects: [], ...at(keyword) };
  });

  private caseItem = this.RULE('caseItem', (): CaseItem => {
    const start = this.LA(1);
    this.OPTION(() => this.CONSUME(T.LParen));
    const patterns: ShellWord[] = [this.CONSUME(T.Word).payload as ShellWord];
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      patterns.push(this.CONSUME2(T.Word).payload as ShellWord);
    });
    this.CONSUME(T.RParen);
    const body = this.SUBRULE(this.list);
    const terminator = this.OPTION2(() => {
      const separator = this.CONSUME(T.CaseSeparator);
      this.MANY2(() => this.CONSUME(T.Newline));
      return separator.image as CaseItem['terminator'];
    });
    return { patterns, body, terminator, ...at(start) };
  });
}

const grammar = new ShellGrammar();

function describe(error: IRecognitionException, tokens: IToken[]): ShellSyntaxError {
  const token = error.token;
  // At end of input chevrotain reports its EOF token, which has no position; point after the last token.
  const last = tokens[tokens.length - 1];
  const location = Number.isFinite(token.startLine)
    ? at(token)
    : last === undefined
      ? { line: 1, column: 1 }
      : { line: last.endLine ?? 1, column: (last.endColumn ?? 0) + 1 };
  const atEnd = !Number.isFinite(token.startLine);
  const found = atEnd ? 'end of input' : `'${token.image.replace(/\n/g, '\\n')}'`;
  return new ShellSyntaxError(`shell syntax error near ${found}`, location, atEnd);
}

function parseTokens(tokens: IToken[]): ShellScript {
  grammar.begin(tokens);
  const script = grammar.script();
  const [first] = grammar.errors;
  if (first !== undefined) throw describe(first, tokens);
  return script;
}

/**
 * Parses shell text into a ShellScript, adding lineOffset to every line number. Throws ShellSyntaxError (kind 'parse', with line and column) for
 * anything it cannot parse; `$(…)` and backquoted scripts are parsed as they are scanned.
 */
export function parseShellText(text: string, lineOffset = 0): ShellScript {
  return parseTokens(new ShellScanner(text, parseTokens, lineOffset).scanScript());
}
