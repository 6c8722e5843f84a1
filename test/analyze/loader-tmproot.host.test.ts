/**
 * gcc-built programs in a small merged-/usr root, checked against the real glibc loader run inside that
 * root (chroot + a static helper that sets LD_TRACE_LOADED_OBJECTS and execs the program, so $ORIGIN of the
 * program comes from /proc/self/exe as in a real start).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { elfClosure, type ClosureOptions, type ElfClosure } from '../../src/analyze/loader';
import { buildElf } from './elf-builder';
import { describeWithHostTools } from '../support/host-tools';
import { HostDirectoryTree } from './host-directory-tree';

const TRACE_SOURCE = `
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* trace [VAR=value ...] program: the loader lists what it maps instead of running the program. */
int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && strchr(argv[i], '=') != NULL; i++) putenv(argv[i]);
  setenv("LD_TRACE_LOADED_OBJECTS", "1", 1);
  execv(argv[i], argv + i);
  return 127;
}
`;

let root: string;
let work: string;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes an image path inside the root, creating parents. */
function put(imagePath: string, content: Buffer | string, mode = 0o755): void {
  const host = path.join(root, imagePath);
  fs.mkdirSync(path.dirname(host), { recursive: true });
  fs.writeFileSync(host, content, { mode });
}

function link(imagePath: string, target: string): void {
  const host = path.join(root, imagePath);
  fs.mkdirSync(path.dirname(host), { recursive: true });
  fs.symlinkSync(target, host);
}

/** A shared library `lib<name>.so` at an image path, calling the functions of the libraries it links. */
function library(imagePath: string, name: string, links: string[] = [], ldflags: string[] = []): void {
  const source = path.join(work, `${name}.c`);
  const calls = links.map((l) => `extern int f_${l}(void); `).join('') + `int f_${name}(void) { return 0${links.map((l) => ` + f_${l}()`).join('')}; }\n`;
  fs.writeFileSync(source, calls);
  const out = path.join(root, imagePath);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execFileSync('gcc', ['-shared', '-fPIC', `-Wl,-soname,lib${name}.so`, '-o', out, source, `-L${work}`, `-Wl,-rpath-link,${work}`, ...links.map((l) => `-l${l}`), ...ldflags]);
  fs.copyFileSync(out, path.join(work, `lib${name}.so`));
}

function program(imagePath: string, links: string[], ldflags: string[] = []): void {
  const source = path.join(work, 'main.c');
  fs.writeFileSync(source, `${links.map((l) => `extern int f_${l}(void);`).join('\n')}\nint main(void) { return 0${links.map((l) => ` + f_${l}()`).join('')}; }\n`);
  const out = path.join(root, imagePath);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execFileSync('gcc', ['-o', out, source, `-L${work}`, `-Wl,-rpath-link,${work}`, ...links.map((l) => `-l${l}`), ...ldflags]);
}

/** The real loader's answer inside the root: name → path as opened, or "not found". */
function realTrace(programPath: string, env: string[] = []): Map<string, string> {
  // glibc takes the program's $ORIGIN from /proc/self/exe, so the root needs /proc; a private mount
  // namespace makes the proc mount vanish with the command.
  const script = 'mount -t proc proc "$0/proc" && exec chroot "$0" /trace "$@"';
  const out = sh('unshare', ['-m', 'sh', '-c', script, root, ...env, programPath]);
  return new Map([...out.matchAll(/^\t(\S+) => (.*?)(?: \(0x[0-9a-f]+\))?$/gm)].map((m) => [m[1], m[2]]));
}

function ourTrace(closure: ElfClosure): Map<string, string> {
  const process = closure.processes[0];
  const interp = process.objects.find((o) => o.via === 'interpreter');
  const out = new Map<string, string>();
  for (const object of process.objects) {
    for (const need of object.needed) {
      if (interp && need.realPath === interp.realPath) continue;
      if (!out.has(need.name)) out.set(need.name, need.path ?? 'not found');
    }
  }
  return out;
}

async function closureOf(programPath: string, options: ClosureOptions = {}): Promise<ElfClosure> {
  return elfClosure(new HostDirectoryTree(root), [programPath], options);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchify-root-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchify-build-'));
  // Debian 12 layout: merged /usr, the interpreter reached through /lib64 -> usr/lib64 and an absolute link.
  for (const dir of ['bin', 'lib', 'lib64', 'sbin']) link(`/${dir}`, `usr/${dir}`);
  for (const lib of ['libc.so.6', 'ld-linux-x86-64.so.2']) {
    put(`/usr/lib/x86_64-linux-gnu/${lib}`, fs.readFileSync(`/usr/lib/x86_64-linux-gnu/${lib}`));
  }
  link('/usr/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  const traceSource = path.join(work, 'trace.c');
  fs.writeFileSync(traceSource, TRACE_SOURCE);
  fs.mkdirSync(path.join(root, 'proc'));
  execFileSync('gcc', ['-static', '-o', path.join(root, 'trace'), traceSource]);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

/** gcc builds the root, whose C library and loader are this machine's; unshare, mount and chroot run the real loader in it. */
const TOOLS = ['gcc', 'unshare', 'mount', 'chroot', '/sbin/ldconfig', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'];

describeWithHostTools(TOOLS, 'glibc search order in a gcc-built root', () => {
  test('DT_RPATH is inherited down the loading chain', async () => {
    library('/opt/app/lib/libb.so', 'b');
    library('/opt/app/lib/liba.so', 'a', ['b']);
    program('/opt/app/bin/app', ['a'], ['-Wl,--disable-new-dtags,-rpath,$ORIGIN/../lib']);
    const closure = await closureOf('/opt/app/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/opt/app/bin/app'));
    expect(ourTrace(closure).get('libb.so')).toBe('/opt/app/bin/../lib/libb.so');
    expect(closure.kept.get('/opt/app/lib/libb.so')?.[0]).toMatchObject({ reason: 'needed', by: '/opt/app/lib/liba.so' });
  });

  test('DT_RUNPATH is not inherited: the dependency of a dependency is not found', async () => {
    library('/opt/app/lib/libb.so', 'b');
    library('/opt/app/lib/liba.so', 'a', ['b']);
    program('/opt/app/bin/app', ['a'], ['-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib']);
    const closure = await closureOf('/opt/app/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/opt/app/bin/app'));
    expect(ourTrace(closure).get('libb.so')).toBe('not found');
    expect(closure.warnings).toContain('/opt/app/lib/liba.so: DT_NEEDED libb.so not found');
  });

  test("a library's own DT_RUNPATH disables the RPATH it would inherit", async () => {
    library('/opt/app/lib/libb.so', 'b');
    library('/opt/app/lib/liba.so', 'a', ['b'], ['-Wl,--enable-new-dtags,-rpath,/nowhere']);
    program('/opt/app/bin/app', ['a'], ['-Wl,--disable-new-dtags,-rpath,$ORIGIN/../lib']);
    const closure = await closureOf('/opt/app/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/opt/app/bin/app'));
    expect(ourTrace(closure).get('libb.so')).toBe('not found');
  });

  test('$ORIGIN of the program is its fully resolved directory; of a library, the directory it was found in', async () => {
    // /usr/bin/app -> /opt/app/bin/app: RPATH $ORIGIN/../lib must mean /opt/app/lib, not /usr/lib.
    library('/opt/app/plugins/libc2.so', 'c2');
    library('/opt/app/lib/liba.so', 'a', ['c2'], ['-Wl,--enable-new-dtags,-rpath,$ORIGIN/../plugins']);
    program('/opt/app/bin/app', ['a'], ['-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib']);
    link('/usr/bin/app', '/opt/app/bin/app');
    const closure = await closureOf('/usr/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/usr/bin/app'));
    expect(ourTrace(closure).get('liba.so')).toBe('/opt/app/bin/../lib/liba.so');
    expect(ourTrace(closure).get('libc2.so')).toBe('/opt/app/bin/../lib/../plugins/libc2.so');
    expect(closure.kept.get('/usr/bin/app')?.[0].reason).toBe('symlink');
  });

  test('.. in a search path is resolved against the real directory, not lexically', async () => {
    // /opt/app/bin is a link to /srv/real/bin, so $ORIGIN/../lib from the link's spelling is /srv/real/lib.
    library('/srv/real/lib/liba.so', 'a');
    program('/srv/real/bin/app', ['a'], ['-Wl,--enable-new-dtags,-rpath,/opt/app/bin/../lib']);
    link('/opt/app/bin', '/srv/real/bin');
    const closure = await closureOf('/srv/real/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/srv/real/bin/app'));
    expect(closure.kept.has('/srv/real/lib/liba.so')).toBe(true);
    expect(closure.kept.get('/opt/app/bin')?.[0].reason).toBe('symlink');
  });

  test('a candidate of another ELF class is skipped and the search goes on', async () => {
    put('/opt/app/lib32/liba.so', buildElf({ elfClass: 32, machine: 3, soname: 'liba.so' }));
    library('/opt/app/lib/liba.so', 'a');
    program('/opt/app/bin/app', ['a'], ['-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib32:$ORIGIN/../lib']);
    const closure = await closureOf('/opt/app/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/opt/app/bin/app'));
    expect(closure.kept.has('/opt/app/lib32/liba.so')).toBe(false);
  });

  test('LD_LIBRARY_PATH comes before DT_RUNPATH', async () => {
    library('/opt/env/liba.so', 'a');
    program('/opt/app/bin/app', ['a'], ['-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib']);
    library('/opt/app/lib/liba.so', 'a');
    const closure = await closureOf('/opt/app/bin/app', { ldLibraryPath: '/opt/env' });
    expect(ourTrace(closure)).toEqual(realTrace('/opt/app/bin/app', ['LD_LIBRARY_PATH=/opt/env']));
    expect(ourTrace(closure).get('liba.so')).toBe('/opt/env/liba.so');
  });

  test('/etc/ld.so.cache is kept when a library is found only through it', async () => {
    library('/opt/vendor/lib/libv.so', 'v');
    program('/usr/bin/app', ['v']);
    put('/etc/ld.so.conf', '/opt/vendor/lib\n', 0o644);
    execFileSync('/sbin/ldconfig', ['-X', '-r', root]);
    const closure = await closureOf('/usr/bin/app');
    expect(ourTrace(closure)).toEqual(realTrace('/usr/bin/app'));
    expect(closure.kept.get('/etc/ld.so.cache')?.[0]).toMatchObject({ reason: 'ld.so.cache', by: '/usr/bin/app' });
    expect(closure.kept.has('/opt/vendor/lib/libv.so')).toBe(true);
  });

  test('glibc-hwcaps variants are kept next to the baseline library, the CPU being unknown', async () => {
    library('/usr/lib/x86_64-linux-gnu/libh.so', 'h');
    library('/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libh.so', 'h');
    program('/usr/bin/app', ['h']);
    const closure = await closureOf('/usr/bin/app');
    expect(closure.kept.get('/usr/lib/x86_64-linux-gnu/libh.so')?.[0].reason).toBe('needed');
    expect(closure.kept.get('/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libh.so')?.[0].detail).toContain('CPU-specific variant');
    // The real loader picks one of the two, depending on this CPU.
    expect(['/lib/x86_64-linux-gnu/libh.so', '/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libh.so']).toContain(realTrace('/usr/bin/app').get('libh.so'));
  });

  test('static and static-pie programs need nothing but themselves', async () => {
    const source = path.join(work, 's.c');
    fs.writeFileSync(source, 'int main(void) { return 0; }\n');
    fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    for (const flag of ['-static', '-static-pie']) {
      execFileSync('gcc', [flag, '-o', path.join(root, 'usr/bin/s'), source]);
      const closure = await closureOf('/bin/s');
      expect([...closure.kept.keys()].sort()).toEqual(['/bin', '/usr/bin/s']);
      expect(closure.processes[0].flavor).toBe('static');
      fs.rmSync(path.join(root, 'usr/bin/s'));
    }
  });
});
