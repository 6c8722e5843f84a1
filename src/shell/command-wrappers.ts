/**
 * Programs that run another command given on their command line (`sudo apt-get …`, `gosu app "$@"`), and how
 * to find where that command starts. Option tables come from each program's man page (coreutils env, nice,
 * nohup, timeout, chroot, stdbuf; findutils xargs; sudo(8); gosu and su-exec READMEs; tini and dumb-init
 * usage text; XCU `command` and `time`).
 */
import type { ShellWord } from './ast';
import { wordValue } from './words';

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
  /** The wrapper execs the command in its own process, so `exec wrapper cmd` leaves cmd as the process. */
  execs: boolean;
}

const WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map<string, WrapperSpec>([
  ['env', { shortWithValue: 'uCS', longWithValue: ['--unset', '--chdir', '--split-string'], operands: 0, assignments: true, noCommandWith: ['-S', '--split-string'], execs: true }],
  ['sudo', { shortWithValue: 'ugCDhprtUT', longWithValue: ['--user', '--group', '--close-from', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--command-timeout'], operands: 0, noCommandWith: ['-l', '--list', '-v', '--validate', '-k', '-K', '-e', '--edit', '-V', '--version'], execs: false }],
  ['nice', { shortWithValue: 'n', longWithValue: ['--adjustment'], operands: 0, execs: true }],
  ['nohup', { shortWithValue: '', longWithValue: [], operands: 0, execs: true }],
  ['timeout', { shortWithValue: 'sk', longWithValue: ['--signal', '--kill-after'], operands: 1, execs: false }],
  ['xargs', { shortWithValue: 'ILnPsdEa', longWithValue: ['--max-args', '--max-lines', '--max-procs', '--max-chars', '--delimiter', '--eof', '--arg-file', '--replace', '--process-slot-var'], operands: 0, execs: false }],
  ['gosu', { shortWithValue: '', longWithValue: [], operands: 1, execs: true }],
  ['su-exec', { shortWithValue: '', longWithValue: [], operands: 1, execs: true }],
  ['chroot', { shortWithValue: '', longWithValue: ['--userspec', '--groups'], operands: 1, execs: true }],
  ['stdbuf', { shortWithValue: 'ioe', longWithValue: ['--input', '--output', '--error'], operands: 0, execs: true }],
  ['tini', { shortWithValue: 'ep', longWithValue: [], operands: 0, execs: false }],
  ['dumb-init', { shortWithValue: 'r', longWithValue: ['--rewrite'], operands: 0, execs: false }],
  ['command', { shortWithValue: '', longWithValue: [], operands: 0, noCommandWith: ['-v', '-V'], execs: false }],
  ['time', { shortWithValue: 'fo', longWithValue: ['--format', '--output'], operands: 0, execs: false }],
]);

/** Where the wrapped command starts in a wrapper's arguments, and whether the wrapper execs it. */
export interface WrappedCommand {
  index: number;
  execs: boolean;
}

/** Whether `name` is a wrapper this module knows. */
export function isCommandWrapper(name: string): boolean {
  return WRAPPERS.has(name);
}

/**
 * The wrapped command inside `args` (a wrapper's arguments after its name), or undefined when `name` is not a
 * wrapper or has no command to run (`xargs` alone runs echo, `command -v` only looks a name up).
 */
export function findWrappedCommand(name: string, args: readonly ShellWord[]): WrappedCommand | undefined {
  const spec = WRAPPERS.get(name);
  if (spec === undefined) return undefined;
  let i = 0;
  while (i < args.length) {
    const arg = wordValue(args[i]);
    if (arg === '--') {
      i++;
      break;
    }
    if (spec.noCommandWith?.some((option) => arg === option || arg.startsWith(`${option}=`))) return undefined;
    if (arg.startsWith('--')) {
      i += spec.longWithValue.includes(arg) ? 2 : 1;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const letters = arg.slice(1);
      const valueAt = [...letters].findIndex((letter) => spec.shortWithValue.includes(letter));
      if (spec.noCommandWith?.some((option) => option.length === 2 && letters.includes(option[1]))) return undefined;
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
  return i < args.length ? { index: i, execs: spec.execs } : undefined;
}
