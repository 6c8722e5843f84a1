/**
 * The working set of a sample: every regular file of the image its probe really opens or executes, observed
 * with strace while the probe runs chroot'ed in the image's root file system on the host.
 *
 * How a run is isolated (we run as root; nothing touches the host's network or file system):
 * - `unshare --mount --net --pid --fork --kill-child --mount-proc`: a private mount namespace (the `/proc`,
 *   `/dev` mounts below vanish with it), a network namespace with only `lo`, and a pid namespace whose death
 *   (the node side kills `unshare` on timeout) kills every process of the run.
 * - Inside, strace starts a tiny /usr/bin/python3 launcher that chroots into the root, changes to the
 *   image's WorkingDir, drops to the image's User (uid, gid and supplementary groups from the image's own
 *   /etc/passwd and /etc/group, as runc does) and execs the entrypoint + command with the container's
 *   environment, PATH looked up inside the image like runc does. Log lines before the `chroot()` are the
 *   host launcher's own start-up and are discarded.
 * - HTTP probes: the server runs in the background; host bash in the same network namespace connects to
 *   127.0.0.1 with `/dev/tcp`, sends one HTTP/1.0 GET (like test/support/probe.ts does from a container),
 *   and the server is stopped afterwards.
 */
import { spawn } from 'node:child_process';
import { closeSync, lstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { ImageConfig } from '../../src/image/source';
import type { FileTree } from '../../src/tree/types';
import { DEFAULT_PROBE_TIMEOUT_MS, parseHttpResponse, type Probe } from './probe';

/** Docker's default PATH when the image sets none (moby `oci/defaults.go`). */
const DOCKER_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The identity a container process runs as. */
export interface ContainerUser {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
  /** The passwd home directory, for HOME when the image sets none; `/` when unknown (runc's default). */
  home: string;
}

interface PasswdLine {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

async function readImageText(tree: FileTree, path: string): Promise<string> {
  const resolution = tree.resolve(path);
  if (resolution.entry?.type !== 'file' && resolution.entry?.type !== 'hardlink') return '';
  return (await tree.readFile(path)).toString('utf8');
}

/**
 * Resolves a Docker `USER` value (`name`, `uid`, `name:group`, `uid:gid`) against the image's own
 * /etc/passwd and /etc/group, like runc's `user.GetExecUser`: a numeric user absent from passwd runs with
 * gid 0, and the supplementary groups are every group that lists the user by name.
 */
export async function resolveContainerUser(tree: FileTree, spec: string | undefined): Promise<ContainerUser> {
  const [userPart, groupPart] = (spec && spec !== '' ? spec : 'root').split(':', 2);
  const passwd: PasswdLine[] = (await readImageText(tree, '/etc/passwd'))
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 7)
    .map(([name, , uid, gid, , home]) => ({ name, uid: Number(uid), gid: Number(gid), home }));
  const groups = (await readImageText(tree, '/etc/group'))
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4)
    .map(([name, , gid, members]) => ({ name, gid: Number(gid), members: members.split(',').filter(Boolean) }));
  const numeric = /^\d+$/.test(userPart);
  const entry = passwd.find((line) => (numeric ? line.uid === Number(userPart) : line.name === userPart));
  if (!entry && !numeric) throw new Error(`USER ${spec}: no such user in the image's /etc/passwd`);
  const uid = entry?.uid ?? Number(userPart);
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = groups.find((line) => line.name === groupPart);
      if (!group) throw new Error(`USER ${spec}: no such group in the image's /etc/group`);
      gid = group.gid;
    }
  }
  const supplementary = entry ? groups.filter((group) => group.members.includes(entry.name)).map((group) => group.gid) : [];
  return { uid, gid, groups: [...new Set([gid, ...supplementary])], home: entry?.home || '/' };
}

/** The environment Docker gives the container: image Env, then the probe's, PATH and HOME defaulted. */
export function containerEnvironment(config: ImageConfig, extra: Record<string, string> | undefined, user: ContainerUser): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of config.Env) {
    const equals = item.indexOf('=');
    if (equals > 0) env[item.slice(0, equals)] = item.slice(equals + 1);
  }
  Object.assign(env, extra ?? {});
  env.PATH ??= DOCKER_DEFAULT_PATH;
  env.HOSTNAME ??= 'scratchify-oracle';
  env.HOME ??= user.home;
  return env;
}

/** The process Docker starts: ENTRYPOINT followed by the CMD (replaced by the probe's args when given). */
export function containerArgv(config: ImageConfig, args: readonly string[] | undefined): string[] {
  return [...(config.Entrypoint ?? []), ...(args ?? config.Cmd ?? [])];
}

/** One file access seen in the trace. */
export interface FileAccess {
  /** The path the program named, when absolute (its symlinks matter too); undefined for relative names. */
  named?: string;
  /** The real image path (symlinks resolved by the kernel), from strace's `-y` fd decoding or the exec path. */
  real: string;
  syscall: string;
}

/** What one traced probe run produced. */
export interface TracedRun {
  /** Whether the probe's expectations held in the chroot run; `detail` says what was seen. */
  ok: boolean;
  detail: string;
  accesses: FileAccess[];
  /** The paths the run opened with O_CREAT (files it wrote, whether or not the image had them). */
  created: string[];
}

/** Syscalls that open a file by name; their `-y` decoded return value names the file opened. */
const OPEN_SYSCALLS = new Set(['open', 'openat', 'openat2', 'creat']);
const EXEC_SYSCALLS = new Set(['execve', 'execveat']);

/** Undoes strace's C-style string escaping. */
function unescapeStrace(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = text[++i];
    if (next === 'x') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const match = /^[0-7]{1,3}/.exec(text.slice(i)) as RegExpExecArray;
      bytes.push(parseInt(match[0], 8));
      i += match[0].length - 1;
    } else bytes.push(({ n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses an `strace -f -y -o` log: successful opens (by their decoded fd path) and successful execs, from the
 * `chroot()` on. `<unfinished ...>` / `<... resumed>` pairs of concurrent threads are joined first. Opens
 * with O_CREAT are left out: they succeed whether the file was in the image or not; their paths go to `created`.
 */
export function parseStraceLog(log: string, hostRoot: string, created: string[] = []): FileAccess[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const raw of log.split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(raw);
    if (!match) continue;
    const [, pid, rest] = match;
    if (rest.endsWith(' <unfinished ...>')) {
      pending.set(pid, rest.slice(0, -' <unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest);
    if (resumed) {
      calls.push(`${pending.get(pid) ?? ''}${resumed[1]}`);
      pending.delete(pid);
    } else calls.push(rest);
  }
  const stripRoot = (path: string): string | undefined =>
    path === hostRoot ? '/' : path.startsWith(`${hostRoot}/`) ? path.slice(hostRoot.length) : undefined;
  const accesses: FileAccess[] = [];
  let chrooted = false;
  for (const call of calls) {
    const name = /^(\w+)\(/.exec(call)?.[1];
    if (!name) continue;
    if (!chrooted) {
      chrooted = name === 'chroot' && / = 0$/.test(call);
      continue;
    }
    const quoted = [...call.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescapeStrace(m[1]));
    if (OPEN_SYSCALLS.has(name)) {
      const result = /\) = \d+<(.*)>$/.exec(call);
      if (!result) continue;
      const real = stripRoot(unescapeStrace(result[1]));
      if (real === undefined) continue;
      if (name === 'creat' || /\bO_CREAT\b/.test(call)) {
        created.push(real);
        continue;
      }
      const named = quoted[0]?.startsWith('/') ? quoted[0] : undefined;
      accesses.push({ named, real, syscall: name });
    } else if (EXEC_SYSCALLS.has(name)) {
      if (!/\) = 0$/.test(call) || quoted[0] === undefined) continue;
      accesses.push({ named: quoted[0].startsWith('/') ? quoted[0] : undefined, real: quoted[0], syscall: name });
    }
  }
  return accesses;
}

/**
 * Chroot, cwd, ids and exec, then nothing else: every file access after `chroot()` is the image's own.
 * The PATH search is written out (execvp's rules: each PATH element in turn, an empty one is the working
 * directory, EACCES remembered but the search goes on) because Python's `os.execvpe` imports `warnings`
 * lazily, which after the chroot would read the *image's* Python library and pollute the trace.
 */
const LAUNCHER = [
  'import errno, json, os, sys',
  'spec = json.loads(sys.argv[1])',
  'argv, env = spec["argv"], spec["env"]',
  'program = argv[0]',
  'os.chroot(spec["root"])',
  'os.chdir("/")',
  // runc creates a missing working directory before starting the process.
  'os.makedirs(spec["workdir"], exist_ok=True)',
  'os.chdir(spec["workdir"])',
  'os.setgroups(spec["groups"])',
  'os.setgid(spec["gid"])',
  'os.setuid(spec["uid"])',
  'if "/" in program:',
  '    candidates = [program]',
  'else:',
  '    candidates = [(d or ".") + "/" + program for d in env.get("PATH", "").split(":")]',
  'failure = None',
  'for candidate in candidates:',
  '    try:',
  '        os.execve(candidate, argv, env)',
  '    except OSError as error:',
  '        if failure is None or error.errno == errno.EACCES:',
  '            failure = error',
  'os.write(2, ("exec %s: %s\\n" % (program, failure)).encode())',
  'os._exit(127)',
].join('\n');

/**
 * Runs inside the namespaces. Arguments: root, work dir, probe kind, port, request target, timeout seconds;
 * the launcher spec is in work/spec.json. Device nodes are a fresh tmpfs with the few a container gets.
 */
const NAMESPACE_SCRIPT = String.raw`
set -eu
root=$1 work=$2 kind=$3 port=$4 target=$5 seconds=$6
mount --make-rprivate /
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=755,nosuid tmpfs "$root/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<<"$node"
  mknod -m 666 "$root/dev/$name" c "$major" "$minor"
done
# The links every container's /dev has (runc's default devices and symlinks).
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
ip link set lo up
set +e
# Docker gives the program pipes, not files: a non-root server that reopens them (nginx opens /dev/stderr,
# i.e. /proc/self/fd/2) could not reopen a root-owned file. Named pipes drained into files do the same here;
# reopening one checks the fifo's own mode, hence 666.
mkfifo -m 666 "$work/stdout.pipe" "$work/stderr.pipe"
trace() {
  cat <"$work/stdout.pipe" >"$work/stdout" &
  cat <"$work/stderr.pipe" >"$work/stderr" &
  strace -f -qq -y -e trace=%file,execve -o "$work/strace.log" \
    /usr/bin/python3 -I -S -c "$LAUNCHER" "$(cat "$work/spec.json")" >"$work/stdout.pipe" 2>"$work/stderr.pipe"
  echo $? >"$work/exit"
  wait
}
if [ "$kind" = command ]; then
  trace
  exit 0
fi
trace &
tracer=$!
deadline=$(( $(date +%s) + seconds ))
until exec 3<>"/dev/tcp/127.0.0.1/$port"; do
  if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "$tracer" 2>/dev/null; then echo 97 >"$work/client"; break; fi
  sleep 0.2
done 2>/dev/null
if [ ! -e "$work/client" ]; then
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: scratchify-oracle\r\nAccept: */*\r\n\r\n' "$target" >&3
  timeout 10 cat <&3 >"$work/response"
  echo 0 >"$work/client"
fi
# Stop the server: strace detaches on SIGTERM and writes the rest of its log; the pid namespace ends the rest.
strace_pid=$(pgrep -P "$tracer" -x strace || true)
[ -n "$strace_pid" ] && kill -TERM "$strace_pid"
wait "$tracer"
exit 0
`;

/**
 * Files a run needs that strace shows no open or exec for, by a documented rule of who reads them:
 * - the kernel's loaders: for an executed `#!` script, binfmt_script execs the interpreter named on its first
 *   line (up to 4 levels, fs/binfmt_script.c); for an executed ELF, binfmt_elf maps its PT_INTERP program (the
 *   dynamic loader) itself (fs/binfmt_elf.c). Neither is a syscall of the traced process.
 * - Python's import system: a `__pycache__/NAME.TAG.pyc` is read only as the cache of the source NAME.py beside
 *   it; the finder stats the source and never uses a cache whose source is absent (PEP 3147, "Case 4": a pyc in
 *   __pycache__ without its source is ignored). strace -e trace=%file sees that stat, but the working set counts
 *   opens, so the source is added here.
 * Each implied access names the path the way its reader names it (symlinks on that path matter too).
 */
export function impliedAccesses(root: string, tree: FileTree, accesses: readonly FileAccess[]): FileAccess[] {
  const implied: FileAccess[] = [];
  const add = (named: string, syscall: string): string | undefined => {
    const resolved = tree.resolve(named);
    const entry = tree.lstat(resolved.path);
    if (entry?.type !== 'file' && entry?.type !== 'hardlink') return undefined;
    implied.push({ named, real: resolved.path, syscall });
    return resolved.path;
  };
  const head = (path: string): Buffer => {
    const fd = openSync(join(root, path), 'r');
    try {
      const buffer = Buffer.alloc(4096);
      return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  };
  const executed = new Set<string>();
  for (const access of accesses) {
    if (access.syscall.startsWith('exec')) executed.add(tree.resolve(access.real).path);
    const cache = /^(.*)\/__pycache__\/([^/]+?)\.[^/.]+(?:\.opt-[12])?\.pyc$/.exec(access.real);
    if (cache) add(`${cache[1]}/${cache[2]}.py`, 'python-source-of-cache');
  }
  for (const program of executed) {
    let current: string | undefined = program;
    for (let depth = 0; current !== undefined && depth <= 4; depth++) {
      const bytes = head(current);
      if (bytes[0] === 0x23 && bytes[1] === 0x21) {
        const line = bytes.subarray(2, bytes.includes(10) ? bytes.indexOf(10) : bytes.length).toString('latin1').trim();
        const interpreter = line.split(/[ \t]/)[0];
        current = interpreter?.startsWith('/') ? add(interpreter, 'kernel-binfmt-script') : undefined;
      } else {
        const interp = elfInterpreter(join(root, current));
        if (interp !== undefined) add(interp, 'kernel-binfmt-elf');
        current = undefined;
      }
    }
  }
  return implied;
}

/** The PT_INTERP path of a 64-bit little-endian ELF file, if it has one. */
function elfInterpreter(hostPath: string): string | undefined {
  const fd = openSync(hostPath, 'r');
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const entry = Buffer.alloc(56);
    for (let i = 0; i < phnum; i++) {
      if (readSync(fd, entry, 0, 56, phoff + i * phentsize) < 56) return undefined;
      if (entry.readUInt32LE(0) !== 3 /* PT_INTERP */) continue;
      const size = Math.min(Number(entry.readBigUInt64LE(32)), 4096);
      const path = Buffer.alloc(size);
      readSync(fd, path, 0, size, Number(entry.readBigUInt64LE(8)));
      return path.toString('latin1').replace(/\0.*$/s, '');
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Options for {@link traceProbe}. */
export interface TraceOptions {
  /** Host directory holding the image's root file system (see test/support/materialize.ts). */
  root: string;
  tree: FileTree;
  config: ImageConfig;
  probe: Probe;
}

/** Runs the probe under strace in a chroot of `root` and returns what it opened and whether it passed. */
export async function traceProbe({ root, tree, config, probe }: TraceOptions): Promise<TracedRun> {
  for (const mountPoint of ['proc', 'dev']) {
    // `mount` follows symlinks: a link the image put at /proc must never lead a mount onto a host path.
    if (!lstatSync(join(root, mountPoint), { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`${root}/${mountPoint} is not a directory; cannot mount it for the chroot`);
    }
  }
  const user = await resolveContainerUser(tree, probe.user ?? config.User);
  const env = containerEnvironment(config, probe.env, user);
  const argv = containerArgv(config, probe.args);
  if (argv.length === 0) throw new Error('the image has neither ENTRYPOINT nor CMD');
  const workdir = config.WorkingDir && config.WorkingDir !== '' ? posix.normalize(config.WorkingDir) : '/';
  const work = mkdtempSync(join(tmpdir(), 'scratchify-working-set-'));
  try {
    writeFileSync(join(work, 'spec.json'), JSON.stringify({ root, workdir, uid: user.uid, gid: user.gid, groups: user.groups, argv, env }));
    const timeoutMs = probe.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    const port = probe.kind === 'http' ? String(probe.port) : '0';
    const target = probe.kind === 'http' ? (probe.path ?? '/') : '/';
    const finished = await runNamespaced(
      ['--mount', '--net', '--pid', '--fork', '--kill-child', '--mount-proc', 'bash', '-c', NAMESPACE_SCRIPT, 'oracle', root, work, probe.kind, port, target, String(Math.ceil(timeoutMs / 1000))],
      timeoutMs + 30_000,
    );
    const read = (name: string): string => {
      try {
        return readFileSync(join(work, name), 'utf8');
      } catch {
        return '';
      }
    };
    const created: string[] = [];
    const traced = parseStraceLog(read('strace.log'), root, created);
    const accesses = [...traced, ...impliedAccesses(root, tree, traced)];
    const stdout = read('stdout');
    const stderr = read('stderr');
    const seen = `${finished}\nexit ${read('exit').trim()}\n--- stdout ---\n${stdout.slice(0, 2000)}\n--- stderr ---\n${stderr.slice(0, 2000)}`;
    const problems: string[] = [];
    if (probe.kind === 'command') {
      const exitCode = Number(read('exit').trim());
      if (exitCode !== (probe.expect.exitCode ?? 0)) problems.push(`exit code ${exitCode}, expected ${probe.expect.exitCode ?? 0}`);
      if (probe.expect.stdout !== undefined && !new RegExp(probe.expect.stdout).test(stdout)) problems.push(`stdout does not match /${probe.expect.stdout}/`);
      if (probe.expect.stderr !== undefined && !new RegExp(probe.expect.stderr).test(stderr)) problems.push(`stderr does not match /${probe.expect.stderr}/`);
    } else {
      const response = parseHttpResponse(read('response'));
      if (read('client').trim() !== '0') problems.push(`nothing listened on port ${probe.port}`);
      else if (!response) problems.push(`not an HTTP response: ${read('response').slice(0, 500)}`);
      else {
        if (response.status !== (probe.expect.status ?? 200)) problems.push(`status ${response.status}, expected ${probe.expect.status ?? 200}`);
        for (const [name, pattern] of Object.entries(probe.expect.headers ?? {})) {
          const value = response.headers.get(name.toLowerCase());
          if (value === undefined || !new RegExp(pattern).test(value)) problems.push(`header ${name}: ${value} does not match /${pattern}/`);
        }
        if (probe.expect.body !== undefined && !new RegExp(probe.expect.body).test(response.body)) problems.push(`body does not match /${probe.expect.body}/: ${response.body.slice(0, 500)}`);
      }
    }
    return { ok: problems.length === 0, detail: [...problems, seen].join('\n'), accesses, created };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `unshare` with a hard deadline; resolves with how it ended (the outputs are files in the work dir). */
function runNamespaced(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('unshare', args, {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LAUNCHER },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // --kill-child: killing unshare kills the namespace's first process, and with it the pid namespace.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise(`namespace run ended with ${signal ?? `exit ${code}`}${output ? `: ${output.trim().slice(0, 2000)}` : ''}`);
    });
  });
}
