/**
 * Deciding whether a Dockerfile shell-form command can become exec form.
 *
 * Docker runs shell form as `/bin/sh -c "<text>"`; exec form runs argv directly with no shell. The two behave
 * the same only when the shell would do nothing but remove quotes and run one program: no expansion, no
 * redirection, no list, no builtin. Anything else is refused with the reasons, because a wrong rewrite
 * silently changes what a container does.
 */
import { isScratchifyError } from '../errors';
import type { AndOrList, Command, ShellWord, SimpleCommand, WordPart } from './ast';
import { DIVERGING_BUILTINS, SHELL_ONLY_COMMANDS } from './builtins';
import { parseShell } from './parse';
import { expansionParts, literalWordValue, wordValue } from './words';

/** The rewrite: `argv` for a JSON-array instruction, or why the command needs a shell. */
export type ExecFormResult = { ok: true; argv: string[] } | { ok: false; reasons: string[] };

const COMPOUND_NAMES: Record<Exclude<Command['kind'], 'simple'>, string> = {
  subshell: 'a subshell ( … )',
  group: 'a command group { …; }',
  if: 'an if statement',
  for: 'a for loop',
  while: 'a while/until loop',
  case: 'a case statement',
  function: 'a function definition',
};

function expansionReason(part: WordPart, word: ShellWord): string {
  switch (part.kind) {
    case 'parameter':
      return `expands parameter ${part.text}`;
    case 'command':
      return `runs command substitution ${part.text}`;
    case 'arithmetic':
      return `evaluates arithmetic ${part.text}`;
    case 'glob':
      return `unquoted glob character ${part.value} in ${word.text}`;
    case 'tilde':
      return `tilde expansion in ${word.text}`;
    case 'dollar-quoted':
      return `${part.text} quoting means different things in dash and bash`;
    default:
      return `array value ${word.text}`;
  }
}

/**
 * bash (which is /bin/sh on some images) brace-expands `{a,b}` and `{1..3}`; dash does not. Flagged whenever
 * unquoted braces surround a comma or `..`, which is conservative.
 */
function braceExpansionReason(word: ShellWord): string | undefined {
  const unquoted = word.parts.map((part) => (part.kind === 'literal' ? part.value : '\0')).join('');
  return /\{[^}]*(,|\.\.)[^}]*\}/.test(unquoted) ? `bash would brace-expand ${word.text}` : undefined;
}

function structureReasons(list: AndOrList, separator: string | undefined): string[] {
  const reasons: string[] = [];
  if (separator === '&') reasons.push('runs the command in the background (&)');
  for (const { operator } of list.rest) reasons.push(`chains commands with ${operator}`);
  for (const pipeline of [list.first, ...list.rest.map((r) => r.pipeline)]) {
    if (pipeline.negated) reasons.push('negates the exit status with !');
    if (pipeline.commands.length > 1) reasons.push('is a pipeline (|)');
    for (const command of pipeline.commands) {
      if (command.kind !== 'simple') reasons.push(`is ${COMPOUND_NAMES[command.kind]}`);
    }
  }
  return reasons;
}

/** The command name's problem, if the shell would not simply run it as a program. */
function commandNameReason(name: string, args: ShellWord[]): string | undefined {
  if (name === '') return 'empty command name';
  if (SHELL_ONLY_COMMANDS.has(name)) return `${name} is a shell builtin or keyword`;
  if (name === 'echo') {
    // With plain arguments dash's echo, bash's echo and /bin/echo print the same line.
    const plain = args.every((arg) => !wordValue(arg).startsWith('-') && !wordValue(arg).includes('\\'));
    return plain ? undefined : DIVERGING_BUILTINS.get('echo');
  }
  return DIVERGING_BUILTINS.get(name);
}

function simpleCommandResult(command: SimpleCommand): ExecFormResult {
  const reasons: string[] = [];
  for (const assignment of command.assignments) {
    reasons.push(`sets ${assignment.name} with a leading assignment`);
  }
  for (const redirect of command.redirects) {
    reasons.push(`redirects with ${redirect.fd ?? ''}${redirect.operator}${redirect.target.text}`);
  }
  let words = command.words;
  // `exec cmd` replaces the shell with cmd, which is what exec form does anyway.
  if (words.length > 0 && literalWordValue(words[0]) === 'exec') {
    words = words.slice(1);
    if (words.length > 0 && wordValue(words[0]).startsWith('-')) reasons.push('passes options to exec');
  }
  if (words.length === 0) {
    reasons.push('empty command');
    return { ok: false, reasons };
  }
  for (const word of words) {
    for (const part of expansionParts(word)) reasons.push(expansionReason(part, word));
    const brace = braceExpansionReason(word);
    if (brace !== undefined) reasons.push(brace);
  }
  const name = literalWordValue(words[0]);
  if (name !== undefined) {
    const nameReason = commandNameReason(name, words.slice(1));
    if (nameReason !== undefined) reasons.push(nameReason);
  }
  if (reasons.length > 0) return { ok: false, reasons };
  return { ok: true, argv: words.map(wordValue) };
}

/**
 * Whether a Dockerfile shell-form command (`RUN`/`CMD`/`ENTRYPOINT`/`HEALTHCHECK CMD` text, run as
 * `/bin/sh -c "<text>"`) can be written in exec form with identical behaviour, and the exact argv.
 * Never throws; text that does not parse needs a shell.
 */
export function toExecForm(text: string): ExecFormResult {
  let script;
  try {
    script = parseShell(text);
  } catch (error) {
    if (isScratchifyError(error)) return { ok: false, reasons: [`needs a shell: ${error.format()}`] };
    throw error;
  }
  const items = script.body.items;
  if (items.length === 0) return { ok: false, reasons: ['empty command'] };
  if (items.length > 1) return { ok: false, reasons: [`runs ${items.length} commands in sequence`] };
  const [item] = items;
  const structure = structureReasons(item.command, item.separator);
  if (structure.length > 0) return { ok: false, reasons: structure };
  return simpleCommandResult(item.command.first.commands[0] as SimpleCommand);
}
