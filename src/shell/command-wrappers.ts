/**
 * Commands that run code given in their arguments: programs that run another command line (`sudo apt-get …`,
 * `gosu app "$@"`, `find … -exec cmd {} +`), programs and builtins that run a string as shell code
 * (`sh -c`, `su -c`, `runuser -c`, `flock -c`, `trap 'code' EXIT`, `eval`), and where that code sits in the
 * arguments. This is the one list the shell analysis consults. Option tables come from each program's man page
 * (coreutils env, nice, nohup, timeout, chroot, stdbuf; findutils find and xargs; util-linux su, runuser,
 * setpriv, flock, ionice, taskset, chrt, unshare, nsenter; sudo(8), doas(1); gosu and su-exec READMEs; tini and
 * dumb-init usage text; XCU `command`, `time`, `trap` and `eval`).
 */
import type { ShellWord } from './ast';
import { SHELL_PROGRAMS } from './builtins';
import { literalWordValue, wordValue } from './words';

/** How a wrapper's own arguments look. */
interface WrapperSpec {
  /** Short option letters that take a value (`-u root` or `-uroot`). */
  shortWithValue: string;
  /** Long options that take a value as the next word unless written `--opt=value`. */
  longWithValue: readonly string[];
  /** Operands before the wrapped command: timeout's duration, gosu's user, chroot's new root. */
  operands: number;
  /** env also takes `NAME=value` words before the command. */
  assignments?: boolean;
  /** Options after which there is no wrapped command to find (`command -v`, `env -S`). */
  noCommandWith?: readonly string[];
  /** Options one of which must be present for a command to follow (`runuser -u user -- cmd`); absent: always. */
  commandOnlyWith?: readonly string[];
  /** Options whose value is shell code run by the user's (or `-s`) shell (`su -c 'id -un'`). */
  shellCodeOptions?: readonly string[];
  /** The wrapper execs the command in its own process, so `exec wrapper cmd` leaves cmd as the process. */
  execs: boolean;
}

const SU_SHELL_CODE = ['-c', '--command', '--session-command'];

const WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map<string, WrapperSpec>([
  ['env', { shortWithValue: 'uCS', longWithValue: ['--unset', '--chdir', '--split-string'], operands: 0, assignments: true, noCommandWith: ['-S', '--split-string'], execs: true }],
  ['sudo', { shortWithValue: 'ugCDhprtUT', longWithValue: ['--user', '--group', '--close-from', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--command-timeout'], operands: 0, noCommandWith: ['-l', '--list', '-v', '--validate', '-k', '-K', '-e', '--edit', '-V', '--version'], execs: false }],
  ['doas', { shortWithValue: 'uC', longWithValue: [], operands: 0, execs: true }],
  ['nice', { shortWithValue: 'n', longWithValue: ['--adjustment'], operands: 0, execs: true }],
  ['nohup', { shortWithValue: '', longWithValue: [], operands: 0, execs: true }],
  ['timeout', { shortWithValue: 'sk', longWithValue: ['--signal', '--kill-after'], operands: 1, execs: false }],
  ['xargs', { shortWithValue: 'ILnPsdEa', longWithValue: ['--max-args', '--max-lines', '--max-procs', '--max-chars', '--delimiter', '--eof', '--arg-file', '--replace', '--process-slot-var'], operands: 0, execs: false }],
  ['gosu', { shortWithValue: '', longWithValue: [], operands: 1, execs: true }],
  ['su-exec', { shortWithValue: '', longWithValue: [], operands: 1, execs: true }],
  ['chroot', { shortWithValue: '', longWithValue: ['--userspec', '--groups'], operands: 1, execs: true }],
  ['stdbuf', { shortWithValue: 'ioe', longWithValue: ['--input', '--output', '--error'], operands: 0, execs: true }],
  ['ionice', { shortWithValue: 'cnp', longWithValue: ['--class', '--classdata', '--pid', '--pgid', '--uid'], operands: 0, noCommandWith: ['-p', '--pid', '-P', '--pgid', '-u', '--uid'], execs: true }],
  ['taskset', { shortWithValue: '', longWithValue: [], operands: 1, noCommandWith: ['-p', '--pid'], execs: true }],
  ['chrt', { shortWithValue: 'T', longWithValue: ['--sched-runtime', '--sched-period', '--sched-deadline'], operands: 1, noCommandWith: ['-p', '--pid', '-m', '--max'], execs: true }],
  ['setpriv', {
    shortWithValue: '',
    longWithValue: ['--reuid', '--regid', '--ruid', '--rgid', '--euid', '--egid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule', '--seccomp-filter'],
    operands: 0,
    noCommandWith: ['-d', '--dump', '-V', '--version', '-h', '--help'],
    execs: true,
  }],
  ['runuser', {
    shortWithValue: 'ugGcsw',
    longWithValue: ['--user', '--group', '--supp-group', '--command', '--session-command', '--shell', '--whitelist-environment'],
    operands: 0,
    commandOnlyWith: ['-u', '--user'],
    shellCodeOptions: SU_SHELL_CODE,
    execs: false,
  }],
  ['su', {
    shortWithValue: 'gGcsw',
    longWithValue: ['--group', '--supp-group', '--command', '--session-command', '--shell', '--whitelist-environment'],
    operands: 0,
    commandOnlyWith: [],
    shellCodeOptions: SU_SHELL_CODE,
    execs: false,
  }],
  ['flock', { shortWithValue: 'wEc', longWithValue: ['--timeout', '--conflict-exit-code', '--command'], operands: 1, shellCodeOptions: ['-c', '--command'], execs: false }],
  ['unshare', { shortWithValue: 'S', longWithValue: ['--setuid', '--setgid', '--propagation', '--root', '--wd', '--map-user', '--map-group', '--map-users', '--map-groups', '--kill-child'], operands: 0, execs: true }],
  ['nsenter', { shortWithValue: 'tSGw', longWithValue: ['--target', '--setuid', '--setgid', '--wd', '--root'], operands: 0, execs: true }],
  ['tini', { shortWithValue: 'ep', longWithValue: [], operands: 0, execs: false }],
  ['dumb-init', { shortWithValue: 'r', longWithValue: ['--rewrite'], operands: 0, execs: false }],
  ['command', { shortWithValue: '', longWithValue: [], operands: 0, noCommandWith: ['-v', '-V'], execs: false }],
  ['time', { shortWithValue: 'fo', longWithValue: ['--format', '--output'], operands: 0, execs: false }],
]);

/** find's actions that run a command, each up to a `;` or `+` argument (findutils find(1)). */
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** Code a command runs from its arguments. Indexes are into the arguments after the command name. */
export type EmbeddedCode =
  /** `args[start, end)` is the argv of a command the wrapper runs; `execs` when it replaces the wrapper. */
  | { kind: 'command'; start: number; end: number; execs: boolean }
  /** `args[index]` (after `prefix` characters, for `--command=…`) is shell code. */
  | { kind: 'shell'; index: number; prefix: number }
  /** All arguments from `start`, joined with spaces, are shell code (`eval`). */
  | { kind: 'shell-words'; start: number };

/** Whether the program `name` (a base name) can run code given in its arguments. */
export function isCommandWrapper(name: string): boolean {
  return WRAPPERS.has(name) || name === 'find' || SHELL_PROGRAMS.has(name);
}

/** `sh -c 'script'`, `bash -euxc "…"`, `sh -o pipefail -c …`: where the script string is. */
function shellProgramCode(args: readonly ShellWord[]): EmbeddedCode[] {
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
  return hasC && i < args.length ? [{ kind: 'shell', index: i, prefix: 0 }] : [];
}

/** find's `-exec cmd … ;` / `-exec cmd … {} +` commands. */
function findCode(args: readonly ShellWord[]): EmbeddedCode[] {
  const found: EmbeddedCode[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!FIND_ACTIONS.has(wordValue(args[i]))) continue;
    const start = i + 1;
    let end = start;
    while (end < args.length && wordValue(args[end]) !== ';' && !(wordValue(args[end]) === '+' && wordValue(args[end - 1]) === '{}')) end++;
    if (end > start) found.push({ kind: 'command', start, end, execs: false });
    i = end;
  }
  return found;
}

/** XCU trap: `trap ACTION CONDITION…`; a first operand that is `-` or an integer resets instead. */
function trapCode(args: readonly ShellWord[]): EmbeddedCode[] {
  const start = args.length > 0 && wordValue(args[0]) === '--' ? 1 : 0;
  if (args.length - start < 2) return [];
  const action = wordValue(args[start]);
  if (action === '-' || /^\d+$/.test(action) || /^-[lp]$/.test(action)) return [];
  return [{ kind: 'shell', index: start, prefix: 0 }];
}

function wrapperCode(spec: WrapperSpec, args: readonly ShellWord[]): EmbeddedCode[] {
  const found: EmbeddedCode[] = [];
  let commandAllowed = spec.commandOnlyWith === undefined;
  let i = 0;
  while (i < args.length) {
    const arg = wordValue(args[i]);
    if (arg === '--') {
      i++;
      break;
    }
    if (spec.noCommandWith?.some((option) => arg === option || arg.startsWith(`${option}=`))) return found;
    if (spec.commandOnlyWith?.some((option) => arg === option || arg.startsWith(`${option}=`) || (option.length === 2 && !arg.startsWith('--') && arg.startsWith(option)))) commandAllowed = true;
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const option = equals === -1 ? arg : arg.slice(0, equals);
      if (spec.shellCodeOptions?.includes(option)) {
        if (equals !== -1) found.push({ kind: 'shell', index: i, prefix: equals + 1 });
        else if (i + 1 < args.length) found.push({ kind: 'shell', index: i + 1, prefix: 0 });
      }
      i += equals === -1 && spec.longWithValue.includes(arg) ? 2 : 1;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const letters = arg.slice(1);
      const valueAt = [...letters].findIndex((letter) => spec.shortWithValue.includes(letter));
      if (spec.noCommandWith?.some((option) => option.length === 2 && letters.includes(option[1]))) return found;
      if (valueAt >= 0 && spec.shellCodeOptions?.includes(`-${letters[valueAt]}`)) {
        if (valueAt < letters.length - 1) found.push({ kind: 'shell', index: i, prefix: valueAt + 2 });
        else if (i + 1 < args.length) found.push({ kind: 'shell', index: i + 1, prefix: 0 });
      }
      // `-u root` takes the next word, `-uroot` carries its value; nice's `-10` is a bare adjustment.
      i += valueAt >= 0 && valueAt === letters.length - 1 ? 2 : 1;
      continue;
    }
    if (arg === '-' && spec.assignments) {
      i++;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) {
      i++;
      continue;
    }
    break;
  }
  i += spec.operands;
  if (spec.shellCodeOptions && found.length === 0) {
    // GNU getopt permutes: `su app -c 'cmd'` and `flock FILE -c 'cmd'` take the option after the operand.
    for (let j = i - spec.operands; j < args.length; j++) {
      const arg = wordValue(args[j]);
      if (arg === '--') break;
      const equals = arg.indexOf('=');
      if (spec.shellCodeOptions.includes(arg) && j + 1 < args.length) return [{ kind: 'shell', index: j + 1, prefix: 0 }];
      if (arg.startsWith('--') && equals !== -1 && spec.shellCodeOptions.includes(arg.slice(0, equals))) return [{ kind: 'shell', index: j, prefix: equals + 1 }];
    }
  }
  if (found.length === 0 && commandAllowed && i < args.length) found.push({ kind: 'command', start: i, end: args.length, execs: spec.execs });
  return found;
}

/**
 * The code a command runs from its arguments (`name` is the program's base name or a builtin): command lines
 * it runs and strings it runs as shell code. Empty for commands that run no code given to them, and for
 * wrappers with nothing to run (`xargs` alone runs echo, `command -v` only looks a name up).
 */
export function embeddedCode(name: string, args: readonly ShellWord[]): EmbeddedCode[] {
  if (SHELL_PROGRAMS.has(name)) return shellProgramCode(args);
  if (name === 'find') return findCode(args);
  if (name === 'trap') return trapCode(args);
  if (name === 'eval') return args.length > 0 ? [{ kind: 'shell-words', start: 0 }] : [];
  const spec = WRAPPERS.get(name);
  return spec === undefined ? [] : wrapperCode(spec, args);
}

/** The literal shell code of an embedded-code entry, or undefined when any part of it expands at run time. */
export function embeddedShellText(code: Exclude<EmbeddedCode, { kind: 'command' }>, args: readonly ShellWord[]): string | undefined {
  if (code.kind === 'shell') return literalWordValue(args[code.index])?.slice(code.prefix);
  const words = args.slice(code.start).map(literalWordValue);
  return words.every((word) => word !== undefined) ? words.join(' ') : undefined;
}
