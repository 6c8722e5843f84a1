/**
 * The self-contained form, for when no engine is there to build and analyze the image: an extra stage built
 * FROM the original final stage computes the kept set at build time, inside that image, with its own
 * loader (`ld.so --list`), and the scratch stage copies the result in one layer.
 *
 * Trade-off against the exact form: the exact form reads the built image and explains every file; this one
 * decides while building, so it only knows what the Dockerfile says (config the base image sets is not
 * visible), keeps language runtimes whole, and its COPY is one opaque layer. It needs /bin/sh and GNU
 * coreutils' `cp --parents` in the original image.
 *
 * The Dockerfile may be untrusted (a pull request in CI): no word of it is shell text here. The collector is
 * one fixed script of ours; the programs, COPY destinations, `--keep` globs, WORKDIR and VOLUME paths it works
 * on are JSON arguments after it (`op value` pairs), read with every expansion quoted.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Dockerfile } from '../../dockerfile';
import { UsageError } from '../../errors';
import { invokedCommands } from '../../shell';
import type { CopyRecord, RuntimeContract } from '../../stages';
import { VERSION } from '../../version';
import { originalPart } from './original';
import { execWord, visible, type Field } from './quoting';
import { runtimeLines } from './runtime-lines';

export const COLLECT_STAGE = 'scratchify-collect';
const ROOT = '/.scratchify-root';

export interface SelfContainedInput {
  text: string;
  dockerfile: Dockerfile;
  target: number;
  contract: RuntimeContract;
  /** The final stage's COPY/ADD (the application). */
  copies: CopyRecord[];
  /** Build context, to read entrypoint scripts the Dockerfile copies in. */
  context?: string;
  keep: string[];
}

/**
 * The collector, in POSIX sh. `keep_path` copies a path with every symlink on the way kept as a symlink
 * (cp -a --parents alone would turn a symlinked parent such as /lib into a real directory); `closure`
 * asks the image's own loader for the libraries of every ELF file kept so far, until nothing new appears.
 */
const COLLECTOR: string[] = [
  `R=${ROOT}`,
  'mkdir -p "$R"',
  // GNU cp --parents fails on absolute sources unless run from /, so every copy is relative to / (and after
  // `--`, since a relative path may start with `-`).
  'cd /',
  // keep_path PATH [dir]: every symlink on the way kept as a symlink, then the file or tree it leads to, or
  // with `dir` only that directory with its owner and mode (a run-time directory, not what it holds).
  'keep_path() {',
  '  p=$1; what=${2:-copy}; hops=0',
  '  while [ $hops -lt 40 ]; do',
  '    hops=$((hops + 1)); cur=; link=',
  '    rest=${p#/}',
  '    set -f; IFS=/',
  '    for c in $rest; do cur="$cur/$c"; if [ -L "$cur" ]; then link=$cur; break; fi; done',
  '    unset IFS; set +f',
  '    if [ -z "$link" ]; then',
  '      if [ "$what" = dir ]; then',
  '        if [ -d "$p" ] && [ ! -e "$R$p" ]; then mkdir -p "$R$p" && chmod --reference="$p" "$R$p" && chown --reference="$p" "$R$p"; fi',
  '      elif [ -e "$p" ]; then cp -a --parents -- "${p#/}" "$R"; fi',
  '      return 0',
  '    fi',
  '    [ -L "$R$link" ] || cp -a --parents -- "${link#/}" "$R"',
  '    t=$(readlink "$link")',
  '    case $t in /*) ;; *) d=$(dirname "$link"); [ "$d" = / ] && t=/$t || t=$d/$t ;; esac',
  '    p=$t${p#"$link"}',
  '  done',
  '}',
  'keep_command() {',
  '  c=$(command -v -- "$1" 2>/dev/null || true)',
  '  case $c in /*) keep_path "$c" ;; esac',
  '}',
  'loader=',
  'for l in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1 /lib/ld-linux-armhf.so.3 /lib/ld-linux.so.2 /lib/ld-musl-x86_64.so.1 /lib/ld-musl-aarch64.so.1; do',
  '  if [ -x "$l" ]; then loader=$l; break; fi',
  'done',
  // fresh NAME: of the paths on stdin, prints those NAME has not had yet and remembers them. What closure and
  // references do with a file depends only on the file and the image, so each file is read once, not once per round.
  // Empty lines (a file name ending in a newline leaves one) are dropped: as a fixed-string pattern an empty
  // line would match every path and end the rounds early.
  'W=/.scratchify-work',
  'mkdir -p "$W"',
  'fresh() {',
  '  touch "$W/$1"',
  '  grep -v "^$" | grep -vxFf "$W/$1" > "$W/new" || true',
  '  cat "$W/new" >> "$W/$1"',
  '  cat "$W/new"',
  '}',
  'closure() {',
  '  [ -n "$loader" ] || return 0',
  '  while :; do',
  '    new=$(find "$R" -type f | fresh closure)',
  '    [ -n "$new" ] || break',
  '    for f in $new; do',
  '      case $(head -c 4 "$f" | od -An -c | tr -d " ") in',
  '        177ELF) for lib in $("$loader" --list "${f#"$R"}" 2>/dev/null | tr " \\t" "\\n\\n" | grep "^/"); do keep_path "$lib"; done ;;',
  '      esac',
  '    done',
  '  done',
  '}',
  'interpreters() {',
  '  for f in $(find "$R" -type f -perm -u+x); do',
  '    first=$(head -c 128 "$f" | head -n 1 | tr -d "\\000")',
  '    case $first in',
  "      '#!'*) set -f; set -- ${first#??}; set +f",
  '        [ $# -gt 0 ] && keep_path "$1"',
  '        if [ $# -gt 1 ] && [ "${1##*/}" = env ]; then keep_command "$2"; fi ;;',
  '    esac',
  '  done',
  '}',
  'keep_dir() { keep_path "$1" dir; }',
  // keep_glob GLOB: the paths the shell's pattern matching finds; IFS empty so the glob is never split.
  'keep_glob() {',
  '  IFS=; set +f',
  '  for g in $1; do keep_path "$g"; done',
  '  unset IFS',
  '}',
  // steps PHASE OP VALUE…: the work the Dockerfile asks for, from this script's arguments.
  'steps() {',
  '  phase=$1; shift',
  '  while [ "$#" -gt 1 ]; do',
  '    case $phase:$1 in',
  '      early:command) keep_command "$2" ;;',
  '      early:path) keep_path "$2" ;;',
  '      early:glob) keep_glob "$2" ;;',
  '      late:dir) keep_dir "$2" ;;',
  '    esac',
  '    shift 2',
  '  done',
  '}',
  // Config directories of kept /etc files whole (relative includes such as nginx\'s mime.types), then the
  // absolute paths named in config files and programs: files kept, directories made.
  'configs() {',
  '  for f in $(find "$R/etc" -mindepth 2 ! -type d 2>/dev/null); do d=${f#"$R"/etc/}; keep_path "/etc/${d%%/*}"; done',
  '}',
  // Paths named in configs, kept programs (wherever they are) and kept shared libraries (the loop variable is
  // not `p`, which keep_path sets). A directory in /etc,
  // four levels deep, or three levels deep outside the broad roots (/lib/<triplet>/security for PAM modules) is
  // kept whole (a library's module or plugin directory, a program's data directory: what it loads from there
  // is chosen at run time); a broad one (/usr/share, /usr/lib/<triplet>, /usr/share/locale) only as a directory.
  'references() {',
  '  for f in $({ find "$R/etc" -type f 2>/dev/null; find "$R" -type f -perm -u+x ! -path "$R/etc/*"; find "$R/usr/lib" "$R/lib" "$R/usr/local/lib" -type f -name "*.so*" ! -perm -u+x 2>/dev/null; } | fresh references); do',
  '    for ref in $(grep -aohE "/[A-Za-z0-9._+-]+(/[A-Za-z0-9._+-]+)+" "$f" 2>/dev/null | sort -u); do',
  '      case $ref in /proc/*|/sys/*|/dev/*|/tmp/*|/var/tmp/*|/run/*) continue ;; esac',
  // A named file's variants beside it (libmagic names /usr/share/misc/magic and reads magic.mgc) come too.
  '      keep_glob "$ref.*"',
  '      if [ -f "$ref" ]; then keep_path "$ref"',
  '      elif [ -d "$ref" ] && { [ "${ref#/etc/}" != "$ref" ] || [ "${ref#/*/*/*/}" != "$ref" ]; }; then keep_path "$ref"',
  '      elif [ -d "$ref" ] && [ "${ref#/*/*/}" != "$ref" ]; then',
  '        case $ref in /usr/lib/*|/usr/lib64/*|/usr/local/*|/usr/share/locale|/usr/share/doc|/usr/share/man|/var/*|/opt/*) keep_dir "$ref" ;; *) keep_path "$ref" ;; esac',
  '      elif [ -d "$ref" ]; then keep_dir "$ref"',
  '      elif [ -d "${ref%/*}" ] && [ "${ref%/*}" != "${ref%/*/*}" ]; then keep_dir "${ref%/*}"; fi',
  '    done',
  '  done',
  '}',
  // links: a kept symlink whose target is not kept yet (a JRE's conf/security into /etc, a versioned perl
  // directory) brings its target. Names are split on line breaks only, never globbed.
  'links() {',
  '  set -f; IFS="\n"',
  '  for l in $(find "$R" -type l); do',
  '    p=${l#"$R"}; t=$(readlink "$l")',
  '    case $t in /*) ;; *) d=${p%/*}; t=$d/$t ;; esac',
  '    if [ -e "$t" ] && [ ! -e "$R$t" ]; then keep_path "$t"; fi',
  '  done',
  '  unset IFS; set +f',
  '}',
  // siblings: a program outside the system bin directories may run helpers beside it (PostgreSQL's initdb
  // runs postgres "in the same directory"): its whole directory is kept.
  'siblings() {',
  '  set -f; IFS="\n"',
  '  for f in $(find "$R" -type f -perm -u+x); do',
  '    d=${f#"$R"}; d=${d%/*}',
  '    case $d in /bin|/sbin|/usr/bin|/usr/sbin|/usr/local/bin|/usr/local/sbin|/usr/lib|/usr/lib64|/lib|/lib64|/usr/lib/*-linux-gnu*|/lib/*-linux-gnu*|/etc*) continue ;; esac',
  '    case $d in */bin|*/sbin|*/libexec|*/libexec/*) keep_path "$d" ;; esac',
  '  done',
  '  unset IFS; set +f',
  '}',
  // scriptwords: a kept shell script may run any program it names (apache2ctl runs id, mkdir, its $HTTPD):
  // without parsing it here, every word that names a program on PATH is kept.
  'scriptwords() {',
  '  set -f; IFS="\n"',
  '  for f in $(find "$R" -type f -perm -u+x); do',
  '    case $(head -c 64 "$f" | head -n 1) in',
  "      '#!'*sh*) for w in $(tr -cs 'A-Za-z0-9_.+-' '\\n' < \"$f\" | sort -u); do keep_command \"$w\"; done ;;",
  '    esac',
  '  done',
  '  unset IFS; set +f',
  '}',
  // byname: libraries a Python program loads by name (ctypes.util.find_library("magic")) are kept by that name.
  'byname() {',
  "  for n in $(grep -rhoE \"find_library\\([\\\"'][A-Za-z0-9_.+-]+[\\\"']\\)\" \"$R\" --include=*.py 2>/dev/null | sed -E \"s/^find_library\\(.(.*).\\)$/\\1/\" | sort -u); do",
  '    keep_glob "/usr/lib/*/lib$n.so*"; keep_glob "/lib/*/lib$n.so*"; keep_glob "/usr/lib/lib$n.so*"',
  '  done',
  '}',
  // locales: the locale the image's environment names (LANG, LC_ALL, LC_MESSAGES, LANGUAGE are in effect in
  // this stage, as the Dockerfile set them): the compiled locale and the message catalogs of that language.
  'locales() {',
  '  for v in "${LC_ALL:-}" "${LC_MESSAGES:-}" "${LANG:-}" "${LANGUAGE%%:*}"; do',
  '    case $v in ""|C|C.*|POSIX) continue ;; esac',
  '    keep_path /usr/lib/locale/locale-archive; keep_path "/usr/lib/locale/$v"',
  '    l=${v%%.*}; l=${l%%@*}',
  '    keep_path "/usr/share/locale/$l"; keep_path "/usr/share/locale/${l%%_*}"',
  '  done',
  '}',
];

/** Language runtimes and package trees the collector keeps whole when present (globs, expanded by the script). */
const RUNTIME_TREES = [
  '/usr/lib/python3*',
  '/usr/local/lib/python3*',
  '/usr/share/python3*',
  '/usr/share/nodejs',
  '/usr/lib/nodejs',
  '/usr/lib/jvm',
  '/usr/share/perl',
  '/usr/share/perl5',
  '/usr/lib/*-linux-gnu*/perl*',
  '/usr/local/share/perl',
  '/usr/local/lib/*-linux-gnu*/perl',
  '/usr/lib/ruby',
  '/usr/local/lib/ruby',
  '/var/lib/gems',
  '/usr/share/rubygems-integration',
  '/usr/lib/*-linux-gnu*/ruby',
  '/usr/lib/php',
  '/usr/share/php',
];

/** The file `source` names inside the build context, or undefined when it is not a file there. */
function contextFile(context: string, source: string): string | undefined {
  const file = join(context, source);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  // A COPY source cannot leave the context (`../`, or a symlink out of it): nor does what is read here.
  const inside = relative(realpathSync(context), realpathSync(file));
  return inside.startsWith('..') || isAbsolute(inside) ? undefined : file;
}

/** Programs an entrypoint script copied from the build context runs, read with the shell grammar now. */
function scriptCommands(copies: CopyRecord[], context: string | undefined): string[] {
  if (!context) return [];
  const names = new Set<string>();
  for (const copy of copies) {
    if (copy.from !== undefined) continue;
    for (const source of copy.sources) {
      const file = contextFile(context, source);
      if (file === undefined || statSync(file).size > 1_000_000) continue;
      const text = readFileSync(file, 'utf8');
      if (!/^#!\S*\b(sh|bash|dash|ash)\b/.test(text)) continue;
      for (const command of invokedCommands(text)) {
        if (command.resolution === 'program' && !command.dynamic) names.add(command.name);
      }
    }
  }
  return [...names].sort();
}

/** What the runtime contract runs: program names and, for `sh -c` scripts, the commands in them. */
function contractCommands(contract: RuntimeContract): string[] {
  const names = new Set<string>();
  const add = (argv: string[] | undefined): void => {
    if (!argv || argv.length === 0) return;
    names.add(argv[0]);
    if (argv.length >= 3 && argv[1] === '-c') for (const command of invokedCommands(argv[2])) if (command.resolution === 'program' && !command.dynamic) names.add(command.name);
  };
  add(contract.entrypoint);
  add(contract.cmd);
  const health = contract.healthcheck?.test;
  if (health?.[0] === 'CMD') add(health.slice(1));
  if (health?.[0] === 'CMD-SHELL') add(['/bin/sh', '-c', health[1]]);
  return [...names];
}

export function emitSelfContained(input: SelfContainedInput): string {
  const { dockerfile, contract, target } = input;
  if (!contract.entrypoint && !contract.cmd) {
    throw new UsageError('the target stage sets neither ENTRYPOINT nor CMD, and without an engine the base image cannot be read to find them', {
      file: dockerfile.file,
      line: dockerfile.stages[target].from.range.startLine,
    });
  }
  const escape = dockerfile.escape;
  const original = originalPart(input.text, dockerfile, target);
  const alias = original.alias;
  const field = (label: string): Field => ({ label: `the target stage's ${label}`, kind: 'usage', location: { file: dockerfile.file } });
  const steps: string[][] = [];
  const step = (op: string, value: string, label: string): void => void steps.push([`"${op}"`, execWord(value, field(`${label} ${visible(value)}`))]);
  const programs = [...new Set([...contractCommands(contract), ...scriptCommands(input.copies, input.context)])];
  for (const program of programs) step(program.includes('/') ? 'path' : 'command', program, 'program');
  for (const copy of input.copies) step('path', copy.destination.replace(/\/+$/, '') || '/', `COPY destination (line ${copy.line})`);
  for (const glob of input.keep) step('glob', glob, '--keep glob');
  for (const dir of [contract.workdir, ...contract.volumes].filter((d): d is string => Boolean(d))) {
    step('dir', dir.replace(/\/+$/, '') || '/', 'WORKDIR or VOLUME');
  }
  const fixed: string[] = ['steps early "$@"'];
  // System files a program commonly reads: accounts, name service config, CA certificates, time zone.
  for (const path of ['/etc/passwd', '/etc/group', '/etc/nsswitch.conf', '/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/openssl.cnf', '/etc/localtime']) {
    fixed.push(`keep_path ${path}`);
  }
  // The UTC zone and the one TZ names: PHP, Python and C programs read them when configured for a zone.
  fixed.push('keep_path /usr/share/zoneinfo/UTC', 'keep_path /usr/share/zoneinfo/Etc/UTC', '[ -z "${TZ:-}" ] || keep_path "/usr/share/zoneinfo/${TZ#:}"');
  // The loader cache and ldconfig: programs that find libraries by name (ctypes.util.find_library) read them.
  fixed.push('keep_path /etc/ld.so.cache', 'keep_command ldconfig');
  // Account databases and login settings that PAM, su, runuser and setpriv read.
  fixed.push('keep_path /etc/shadow', 'keep_path /etc/gshadow', 'keep_path /etc/login.defs');
  // Language runtimes and their package trees are kept whole: this form cannot follow imports, gem
  // specifications, Perl's @INC or PHP's extension directory.
  fixed.push(`for d in ${RUNTIME_TREES.join(' ')}; do [ -e "$d" ] && keep_path "$d"; done`);
  fixed.push('locales');
  for (let round = 0; round < 2; round++) fixed.push('configs', 'references', 'links', 'siblings', 'scriptwords', 'byname', 'interpreters', 'closure');
  // What the second round's closure brought (a plugin's libraries) may name config directories in turn.
  fixed.push('references', 'configs', 'links', 'closure');
  fixed.push('for g in $(find "$R" -name "libc.so.6"); do d=${g%/*}; keep_path "${d#$R}/libgcc_s.so.1"; done');
  fixed.push('steps late "$@"');
  // Directories the image made in its scratch locations (nginx's temp paths under /tmp), with their owners and
  // modes: a program that runs as a user cannot make them itself. Their files are the build's leftovers.
  // A name with a newline is left out: split at it, its halves would name other directories.
  fixed.push('set -f; IFS="\n"; for d in $(find /tmp /var/tmp -xdev -type d ! -path "*\n*" 2>/dev/null); do keep_dir "$d"; done; unset IFS; set +f');
  fixed.push('mkdir -p "$R/tmp" && chmod 1777 "$R/tmp"');
  const script = [...COLLECTOR, ...fixed].join('\n');
  const argumentLines = [`"${COLLECT_STAGE}"`, ...steps.map((words) => words.join(', '))];

  // The contract as far as the Dockerfile shows it, printed like the exact form's runtime config.
  const runtime = runtimeLines(
    {
      env: Object.entries(contract.env),
      labels: Object.entries(contract.labels),
      exposedPorts: contract.exposedPorts,
      volumes: contract.volumes,
      workdir: contract.workdir,
      user: contract.user,
      stopSignal: contract.stopSignal,
      healthcheck: contract.healthcheck,
      entrypoint: contract.entrypoint,
      cmd: contract.cmd,
      rewrites: [],
    },
    escape,
    { prefix: "the target stage's", kind: 'usage', location: { file: dockerfile.file } },
  );

  const lines = [
    '',
    '# ----------------------------------------------------------------------------------------------------',
    `# SELF-CONTAINED FORM, generated by scratchify ${VERSION} without a container engine. The stage below`,
    `# computes at build time, inside stage "${alias}", what its program needs (its own loader lists the`,
    '# libraries) and the scratch stage copies that. Coarser than the exact form: language runtimes, plugin',
    '# directories named by libraries and the locale of LANG are kept whole, config set only by the base image',
    '# is not known, and nothing explains each file. It cannot see libraries or modules loaded by a name built',
    '# at run time (ctypes, importlib, dlopen of a computed name). With an engine, run scratchify slim again',
    '# for the exact, reviewed form.',
    '# ----------------------------------------------------------------------------------------------------',
    `FROM ${alias} AS ${COLLECT_STAGE}`,
    'USER 0',
    `RUN ["/bin/sh", "-c", ${JSON.stringify(script)}, ${escape}\n     ${argumentLines.join(`, ${escape}\n     `)}]`,
    '',
    'FROM scratch',
    `COPY --from=${COLLECT_STAGE} ${ROOT}/ /`,
    ...runtime,
  ];
  return `${original.text}${lines.join('\n')}\n`;
}
