/**
 * Listing the commands a script or RUN line invokes, for the runtime-dependency analysis (which programs an
 * entrypoint needs) and for lint rules over package-manager calls.
 */
import { ScratchifyError, isScratchifyError } from '../errors';
import type { Command, CommandList, Redirect, ShellScript, ShellWord, WordPart } from './ast';
import { SHELL_PROGRAMS, isShellBuiltin } from './builtins';
import { findWrappedCommand } from './command-wrappers';
import { parseShellText } from './grammar';
import { ShellSyntaxError } from './shell-syntax-error';
import { expansionParts, literalWordValue, wordValue } from './words';

/** How the shell finds the program for a command name. */
export type CommandResolution =
  /** Looked up in PATH, or run from the path given. */
  | 'program'
  /** Run by the shell itself (cd, export, echo, …). */
  | 'builtin'
  /** A function defined in the same script. */
  | 'function'
  /** The name comes from an expansion. */
  | 'unknown';

/** One command a script invokes. */
export interface InvokedCommand {
  /** The name after quote removal; for a dynamic command, the source text of its expansion (`$@`). */
  name: string;
  /** The arguments after quote removal, with expansions kept as their source text. */
  args: string[];
  /** True when no argument contains an expansion, glob or tilde: `args` are exactly what the program gets. */
  literalArgs: boolean;
  /** The name comes from an expansion (`exec "$@"`, `$CMD`), so the program is only known at run time. */
  dynamic: boolean;
  resolution: CommandResolution;
  /** 1-based position of the command name in the analysed text. */
  line: number;
  column: number;
  /**
   * Where each argument is in the analysed text, in the order of `args`: its first character and its
   * source text (quotes and escapes as written), so a finding can point at the exact word. For a command
   * inside a `sh -c '…'` string the columns count from the start of that string.
   */
  argSpans: readonly ShellSpan[];
  /**
   * The command replaces the shell process: run by `exec`, possibly through wrappers that exec too
   * (`exec gosu app "$@"`). In an entrypoint this is the process that keeps running.
   */
  viaExec?: boolean;
  /** Wrapper programs it was reached through, outermost first (`['sudo', 'env']`); each is listed itself too. */
  wrappers?: string[];
  /** Found inside a command substitution or inside a `sh -c '…'` string rather than in the script itself. */
  nested?: 'substitution' | 'shell-string';
  /** Defined inside this function's body, so it runs only when the function is called. */
  inFunction?: string;
  /**
   * Part of a pipeline of two or more commands (`curl … | sh`): which pipeline (an id shared by its commands,
   * unique in the text) and where in it, 0-based, of how many.
   */
  pipeline?: { id: number; index: number; size: number };
}

/** A word's place in the analysed text: its first character and its source text. */
export interface ShellSpan {
  line: number;
  column: number;
  text: string;
}

/** The commands found, plus the syntax errors of parts that could not be parsed and were skipped. */
export interface InvokedCommandsReport {
  commands: InvokedCommand[];
  errors: ScratchifyError[];
}

interface WalkContext {
  nested?: 'substitution' | 'shell-string';
  inFunction?: string;
  pipeline?: { id: number; index: number; size: number };
}

/** Lines tried together when looking for the end of a construct that failed to parse. */
const MAX_RECOVERY_LINES = 50;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

class InvocationCollector {
  readonly commands: InvokedCommand[] = [];
  readonly errors: ScratchifyError[] = [];
  private readonly functions = new Set<string>();
  private pipelines = 0;

  script(script: ShellScript, context: WalkContext): void {
    this.findFunctions(script.body);
    this.list(script.body, context);
  }

  private findFunctions(list: CommandList): void {
    const visit = (command: Command): void => {
      if (command.kind === 'function') this.functions.add(command.name);
      for (const body of bodiesOf(command)) this.findFunctions(body);
    };
    for (const item of list.items) {
      for (const pipeline of [item.command.first, ...item.command.rest.map((r) => r.pipeline)]) {
        pipeline.commands.forEach(visit);
      }
    }
  }

  private list(list: CommandList, context: WalkContext): void {
    for (const item of list.items) {
      for (const pipeline of [item.command.first, ...item.command.rest.map((r) => r.pipeline)]) {
        const size = pipeline.commands.length;
        const id = size > 1 ? ++this.pipelines : 0;
        pipeline.commands.forEach((command, index) => this.command(command, size > 1 ? { ...context, pipeline: { id, index, size } } : context));
      }
    }
  }

  private command(command: Command, context: WalkContext): void {
    switch (command.kind) {
      case 'simple':
        // Expansions happen before the command runs, so substitutions are listed first.
        for (const assignment of command.assignments) this.word(assignment.value, context);
        for (const word of command.words) this.word(word, context);
        command.redirects.forEach((redirect) => this.redirect(redirect, context));
        if (command.words.length > 0) this.invocation(command.words, context, [], false);
        return;
      case 'function':
        this.command(command.body, { ...context, inFunction: command.name });
        break;
      case 'for':
        command.words?.forEach((word) => this.word(word, context));
        this.list(command.body, context);
        break;
      case 'case':
        this.word(command.subject, context);
        for (const item of command.items) {
          item.patterns.forEach((pattern) => this.word(pattern, context));
          this.list(item.body, context);
        }
        break;
      case 'if':
        for (const clause of command.clauses) {
          this.list(clause.condition, context);
          this.list(clause.body, context);
        }
        if (command.elseBody) this.list(command.elseBody, context);
        break;
      case 'while':
        this.list(command.condition, context);
        this.list(command.body, context);
        break;
      default:
        this.list(command.body, context);
    }
    command.redirects.forEach((redirect) => this.redirect(redirect, context));
  }

  private redirect(redirect: Redirect, context: WalkContext): void {
    this.word(redirect.target, context);
    if (redirect.heredoc) this.parts(redirect.heredoc.parts, context);
  }

  private word(word: ShellWord, context: WalkContext): void {
    this.parts(word.parts, context);
  }

  private parts(parts: readonly WordPart[], context: WalkContext): void {
    for (const part of parts) {
      if (part.kind === 'double') this.parts(part.parts, context);
      else if (part.kind === 'parameter' && part.argument) this.parts(part.argument, context);
      else if (part.kind === 'command') this.script(part.script, { ...context, nested: 'substitution', pipeline: undefined });
    }
  }

  private invocation(words: ShellWord[], context: WalkContext, wrappers: string[], viaExec: boolean): void {
    const [first, ...rest] = words;
    const name = literalWordValue(first);
    if (name === 'exec' && wrappers.length === 0) {
      // `exec -a name cmd` (bash) sets argv[0]; `-c` and `-l` are flags.
      let start = 0;
      while (start < rest.length && /^-[acl]+$/.test(wordValue(rest[start]))) {
        start += wordValue(rest[start]).includes('a') ? 2 : 1;
      }
      if (start < rest.length) this.invocation(rest.slice(start), context, wrappers, true);
      return;
    }
    const resolution: CommandResolution =
      name === undefined ? 'unknown' : this.functions.has(name) ? 'function' : isShellBuiltin(name) ? 'builtin' : 'program';
    this.commands.push({
      name: wordValue(first),
      args: rest.map(wordValue),
      literalArgs: rest.every((word) => expansionParts(word).length === 0),
      dynamic: name === undefined,
      resolution,
      line: first.line,
      column: first.column,
      argSpans: rest.map((word) => ({ line: word.line, column: word.column, text: word.text })),
      ...(viaExec ? { viaExec } : {}),
      ...(wrappers.length > 0 ? { wrappers } : {}),
      ...(context.nested ? { nested: context.nested } : {}),
      ...(context.inFunction ? { inFunction: context.inFunction } : {}),
      ...(context.pipeline ? { pipeline: context.pipeline } : {}),
    });
    if (name === undefined || resolution === 'function') return;
    const program = basename(name);
    const wrapped = findWrappedCommand(program, rest);
    if (wrapped !== undefined) {
      this.invocation(rest.slice(wrapped.index), context, [...wrappers, program], viaExec && wrapped.execs);
    } else if (SHELL_PROGRAMS.has(program)) {
      this.shellString(rest, context);
    }
  }

  /** `sh -c 'script'`, `bash -euxc "…"`, `sh -o pipefail -c …`: the script string when it is literal. */
  private shellString(args: ShellWord[], context: WalkContext): void {
    let hasC = false;
    let i = 0;
    for (; i < args.length; i++) {
      const arg = wordValue(args[i]);
      if (arg === '--') {
        i++;
        break;
      }
      if (arg === '-o' || arg === '+o' || arg === '-O' || arg === '+O') {
        i++;
        continue;
      }
      if (!/^[-+][A-Za-z]+$/.test(arg)) break;
      if (arg.startsWith('-') && arg.includes('c')) hasC = true;
    }
    const scriptWord = args[i];
    if (!hasC || scriptWord === undefined) return;
    const text = literalWordValue(scriptWord);
    if (text === undefined) return;
    this.text(text, { ...context, nested: 'shell-string', pipeline: undefined }, scriptWord.line - 1);
  }

  /**
   * Parses and walks text. When it does not parse, it is read in pieces of lines: a piece grows while its
   * error says the text ended inside a construct, and a line that fails outright is skipped and its error kept.
   */
  text(text: string, context: WalkContext, lineOffset: number): void {
    try {
      this.script(parseShellText(text, lineOffset), context);
      return;
    } catch (error) {
      if (!isScratchifyError(error)) throw error;
    }
    const lines = text.split('\n');
    let start = 0;
    while (start < lines.length) {
      let end = start;
      let lastError: ScratchifyError | undefined;
      for (; end < lines.length && end < start + MAX_RECOVERY_LINES; end++) {
        try {
          this.script(parseShellText(lines.slice(start, end + 1).join('\n'), lineOffset + start), context);
          lastError = undefined;
          break;
        } catch (error) {
          if (!isScratchifyError(error)) throw error;
          lastError = error;
          if (!(error instanceof ShellSyntaxError && error.incomplete)) break;
        }
      }
      if (lastError === undefined) {
        start = end + 1;
      } else {
        this.errors.push(lastError);
        start++;
      }
    }
  }
}

function bodiesOf(command: Command): CommandList[] {
  switch (command.kind) {
    case 'simple':
      return [];
    case 'function':
      return bodiesOf(command.body);
    case 'if':
      return [...command.clauses.flatMap((c) => [c.condition, c.body]), ...(command.elseBody ? [command.elseBody] : [])];
    case 'while':
      return [command.condition, command.body];
    case 'case':
      return command.items.map((item) => item.body);
    default:
      return [command.body];
  }
}

/**
 * Every command a script or RUN line invokes, in order, looking into lists, pipelines, compound commands,
 * function bodies, command substitutions, literal `sh -c` strings and wrappers such as `sudo` or `gosu`.
 * Parts that do not parse are skipped; use invokedCommandsReport to see their errors.
 */
export function invokedCommandsReport(text: string): InvokedCommandsReport {
  const collector = new InvocationCollector();
  collector.text(text, {}, 0);
  return { commands: collector.commands, errors: collector.errors };
}

/** The commands of invokedCommandsReport, for callers that do not need the syntax errors. Never throws. */
export function invokedCommands(text: string): InvokedCommand[] {
  return invokedCommandsReport(text).commands;
}
