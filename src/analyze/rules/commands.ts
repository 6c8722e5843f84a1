/**
 * Keeping what a command line needs: the program (found with PATH as execvp would), a shell's script
 * commands when the program is a shell running `-c`, and arguments that name files of the image
 * (`python3 /app/main.py`, `nginx -c /etc/nginx/nginx.conf`, `node server.js` in WORKDIR /app).
 */
import { posix } from 'node:path';
import { isCommandWrapper } from '../../shell/command-wrappers';
import type { InvokedCommand } from '../../shell/invoked-commands';
import type { AnalysisContext, Reason } from '../types';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh', 'busybox']);

export function isShellProgram(path: string): boolean {
  return SHELLS.has(posix.basename(path));
}

/**
 * Keeps the commands a shell script runs: those in the script itself, in its substitutions, in strings it
 * runs as shell code (`sh -c`, `su -c`, `trap`, `eval`) and the commands wrappers run (`gosu`, `find -exec`).
 * `origin` names the script and line when the text is a file of the image.
 */
export function keepScriptCommands(script: string, by: string, context: AnalysisContext, rule: string, options: { origin?: boolean; skipFirst?: boolean } = {}): void {
  // The shell grammar (chevrotain) is loaded on first use: most images run a program, not a script, and
  // building the parser is a third of what loading the rules costs.
  const { invokedCommandsReport } = require('../../shell') as typeof import('../../shell');
  const report = invokedCommandsReport(script);
  for (const error of report.errors) context.warn(`${by}: part of the script could not be parsed (${error.message}); commands there are not followed`);
  for (const command of report.commands.slice(options.skipFirst ? 1 : 0)) {
    if (command.resolution === 'builtin' || command.resolution === 'function') continue;
    if (command.dynamic || command.resolution === 'unknown') {
      if (command.candidates && keepCandidates(command, by, context, rule, options.origin !== false)) continue;
      if (!/^"?\$(@|\*|\{@\}|\{\*\})"?$/.test(command.name)) {
        context.warn(`${by}: line ${command.line} runs a command named at run time (${command.name}); keep what it needs with --keep`);
      }
      continue;
    }
    const program = context.which(command.name);
    if (program === undefined) {
      context.warn(`${by}: line ${command.line}: command not found in the image: ${command.name}`);
      continue;
    }
    const how = command.nested === 'shell-string' ? ' in shell code inside a string' : command.wrappers ? ` run by ${command.wrappers.join(' → ')}` : '';
    const detail = `${command.viaExec ? 'exec ' : ''}${command.name}${how} at line ${command.line}`;
    context.keep(program, { rule, by, detail, ...(options.origin !== false ? { origin: { path: by, line: command.line } } : {}) });
    keepArguments(command.args, by, context, `${rule}-argument`);
  }
}

/**
 * A command named by a variable (`$HTTPD -k start`) may run any value the script assigns to it: keeps each
 * assigned program found in the image. True when at least one was found.
 */
function keepCandidates(command: InvokedCommand, by: string, context: AnalysisContext, rule: string, withOrigin: boolean): boolean {
  let found = false;
  for (const candidate of command.candidates ?? []) {
    if (candidate.includes('\n') || candidate.length > 4096 || /\s/.test(candidate)) continue;
    const program = context.which(candidate);
    if (program === undefined) continue;
    found = true;
    context.keep(program, { rule: `${rule}-variable`, by, detail: `${command.name} at line ${command.line}, assigned ${candidate} in the script`, ...(withOrigin ? { origin: { path: by, line: command.line } } : {}) });
  }
  return found;
}

/** Arguments (and `--opt=value` values) naming existing files or directories of the image. */
export function keepArguments(args: readonly string[], by: string, context: AnalysisContext, rule: string): void {
  for (const arg of args) {
    const value = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (value === '' || value.startsWith('-') || value.includes('$') || value.includes('\n') || value.length > 4096) continue;
    if (!value.startsWith('/') && !/^\.{0,2}\/|^[\w.-]+(\/[\w.-]+)*$/.test(value)) continue;
    const path = posix.resolve(context.workdir, value);
    if (path === '/') continue;
    // A directory argument keeps only the directory itself; what is in it is for the other rules to find.
    const entry = context.tree.lstat(path);
    if (entry?.type === 'dir') context.keep(path, { rule, by, detail: `argument ${arg}` });
    else if (entry) context.keep(path, { rule, by, detail: `argument ${arg}` });
  }
}

/** Keeps a whole command line: program, shell script if it is `sh -c`, and file arguments. */
export function keepCommandLine(argv: readonly string[], reason: Omit<Reason, 'detail'> & { detail?: string }, context: AnalysisContext): void {
  if (argv.length === 0) return;
  const [name, ...args] = argv;
  const program = context.which(name);
  if (program === undefined) {
    context.warn(`${reason.rule}: the program ${name} is not in the image (PATH ${context.searchPath.join(':')})`);
    return;
  }
  const real = context.keep(program, { rule: reason.rule, by: reason.by, detail: reason.detail ?? `runs ${argv.join(' ')}` });
  const by = real ?? program;
  if (isShellProgram(program) && args[0] === '-c' && args.length >= 2) {
    keepScriptCommands(args[1], by, context, `${reason.rule}-shell-command`, { origin: false });
    return;
  }
  keepArguments(args, by, context, `${reason.rule}-argument`);
  // Wrappers in an exec-form command (`gosu app cmd`, `su -c 'code'`, `env A=1 cmd`): the argv read as one
  // quoted shell line finds what they run with the same grammar and wrapper list as scripts.
  if (!isCommandWrapper(posix.basename(program))) return;
  keepScriptCommands(argv.map(quotedWord).join(' '), by, context, `${reason.rule}-wrapped-command`, { origin: false, skipFirst: true });
}

/** One argument as a single-quoted shell word: the text is parsed to find commands, never run. */
function quotedWord(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
