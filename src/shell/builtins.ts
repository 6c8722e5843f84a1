/**
 * Which command names the shell handles itself. Sources: POSIX XCU 2.14 (special built-ins) and 1.7
 * (intrinsic utilities), dash(1) and bash(1) builtin lists, busybox ash.
 */

/**
 * Names that only mean something inside a shell: special built-ins, intrinsic utilities that change the
 * shell's own state, common bash/ash extensions, and reserved words that can reach command position quoted.
 * Running one of these as a program either fails (no such file) or does nothing useful.
 */
export const SHELL_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  // POSIX special built-ins (XCU 2.14)
  '.', ':', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift',
  'times', 'trap', 'unset',
  // POSIX intrinsic utilities that act on the shell itself (XCU 1.7)
  'alias', 'bg', 'cd', 'command', 'fc', 'fg', 'getopts', 'hash', 'jobs', 'read', 'type', 'ulimit', 'umask',
  'unalias', 'wait',
  // bash / ash / ksh extensions
  'source', 'local', 'declare', 'typeset', 'let', 'shopt', 'builtin', 'enable', 'pushd', 'popd', 'dirs',
  'history', 'logout', 'disown', 'suspend', 'caller', 'compgen', 'complete', 'mapfile', 'readarray', 'bind',
  // reserved words (XCU 2.4) and bash's [[
  'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '{', '}',
  '!', 'function', 'select', '[[', ']]',
]);

/**
 * Built-ins that also exist as programs (coreutils, busybox) but behave differently from them, so a shell
 * form using them cannot be turned into exec form blindly. Value: why.
 */
export const DIVERGING_BUILTINS: ReadonlyMap<string, string> = new Map([
  // dash's echo interprets backslash escapes and only knows -n; coreutils echo knows -n -e -E and no escapes.
  ['echo', 'echo is a shell builtin whose option and backslash handling differs from /bin/echo'],
  ['printf', 'printf is a shell builtin whose supported formats differ from /usr/bin/printf'],
  // The builtin prints the logical $PWD, /bin/pwd the physical path.
  ['pwd', 'pwd is a shell builtin that prints the logical $PWD, unlike /bin/pwd'],
  ['test', 'test is a shell builtin; exec form would need a /usr/bin/test program'],
  ['[', '[ is a shell builtin; exec form would need a /usr/bin/[ program'],
  ['kill', 'kill is a shell builtin that knows job specs; exec form would need /bin/kill'],
]);

/** Program names that run their arguments as a shell script with `-c`. */
export const SHELL_PROGRAMS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);

/** True when the shell would not look the name up in PATH but run it itself. */
export function isShellBuiltin(name: string): boolean {
  return SHELL_ONLY_COMMANDS.has(name) || DIVERGING_BUILTINS.has(name) || name === 'true' || name === 'false';
}
