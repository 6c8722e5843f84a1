/**
 * Bringing the host's strace into a container: the loader's library list read from recorded output, the exact
 * command line and mounts, the engine's refusal recognised in strace's own words, and the errors a user meets
 * without strace. Nothing here runs strace or reads the host's binaries.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkArchitecture, findHostTracer, parseLoaderList, ptraceRefusal, tracedCommand, tracerMounts, type HostTracer } from '../../src/trace';

const GLIBC_LIST = `\tlinux-vdso.so.1 (0x00007efff775b000)
\tlibunwind-ptrace.so.0 => /lib/x86_64-linux-gnu/libunwind-ptrace.so.0 (0x00007efff7744000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007efff721e000)
\t/lib64/ld-linux-x86-64.so.2 => /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 (0x00007efff775d000)
`;

describe('parseLoaderList', () => {
  test('the libraries strace asks for, not the vDSO nor the loader itself', () => {
    expect(parseLoaderList(GLIBC_LIST)).toEqual([
      { name: 'libunwind-ptrace.so.0', path: '/lib/x86_64-linux-gnu/libunwind-ptrace.so.0' },
      { name: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6' },
    ]);
  });

  test("musl's loader lists the same way", () => {
    expect(parseLoaderList('\t/lib/ld-musl-x86_64.so.1 (0x7f0e7c5f2000)\n\tlibc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x7f0e7c5f2000)\n')).toEqual([
      { name: 'libc.musl-x86_64.so.1', path: '/lib/ld-musl-x86_64.so.1' },
    ]);
  });

  test('a library the host cannot find is an error', () => {
    expect(() => parseLoaderList('\tlibdw.so.1 => not found\n')).toThrow("the host's strace cannot run: libdw.so.1 => not found");
  });
});

const tracer: HostTracer = { strace: '/usr/bin/strace', loader: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', libraries: [], machine: 62, musl: false };

describe('tracedCommand', () => {
  test('the loader runs strace with its own libraries, never the image cache, following every child', () => {
    expect(tracedCommand(tracer, '/.scratchify-trace/log/run-1.log', ['docker-entrypoint.sh', 'jq', '-n'])).toEqual([
      '/.scratchify-trace/ld.so', '--inhibit-cache', '--library-path', '/.scratchify-trace/lib',
      '/.scratchify-trace/strace', '-f', '-qq', '-y', '-I2', '-e', 'trace=%file', '-o', '/.scratchify-trace/log/run-1.log',
      '--', 'docker-entrypoint.sh', 'jq', '-n',
    ]);
  });

  test('musl has no cache to inhibit; a static strace needs no loader', () => {
    expect(tracedCommand({ ...tracer, musl: true }, '/l', ['x']).slice(0, 4)).toEqual(['/.scratchify-trace/ld.so', '--library-path', '/.scratchify-trace/lib', '/.scratchify-trace/strace']);
    expect(tracedCommand({ ...tracer, loader: '' }, '/l', ['x'])[0]).toBe('/.scratchify-trace/strace');
  });
});

describe('tracerMounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-tracer-mounts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('read-only mounts of strace, its loader and each library under the name asked for; the log directory writable', () => {
    writeFileSync(join(dir, 'libc.so.6'), '');
    const mounts = tracerMounts({ ...tracer, libraries: [{ name: 'libc.so.6', path: join(dir, 'libc.so.6') }] }, join(dir, 'log'));
    expect(mounts).toEqual([
      { source: '/usr/bin/strace', target: '/.scratchify-trace/strace', readOnly: true },
      { source: tracer.loader, target: '/.scratchify-trace/ld.so', readOnly: true },
      { source: join(dir, 'libc.so.6'), target: '/.scratchify-trace/lib/libc.so.6', readOnly: true },
      { source: join(dir, 'log'), target: '/.scratchify-trace/log', readOnly: false },
    ]);
  });

  test('a library name that is not a plain file name is refused', () => {
    expect(() => tracerMounts({ ...tracer, libraries: [{ name: '../etc', path: '/etc' }] }, dir)).toThrow(/unexpected library name/);
  });
});

describe('ptraceRefusal', () => {
  test("recognises strace's words when seccomp forbids ptrace (recorded from docker with a profile denying it)", () => {
    const output = [
      '/.scratchify-trace/strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted',
      '/.scratchify-trace/strace: ptrace(PTRACE_TRACEME, ...): Operation not permitted',
      '/.scratchify-trace/strace: PTRACE_SETOPTIONS: Operation not permitted',
    ].join('\n');
    expect(ptraceRefusal(output)).toBe('/.scratchify-trace/strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted');
    expect(ptraceRefusal('strace: attach: ptrace(PTRACE_SEIZE, 7): Permission denied')).toBe('strace: attach: ptrace(PTRACE_SEIZE, 7): Permission denied');
  });

  test('a program failing for its own reasons is not a refusal', () => {
    expect(ptraceRefusal('open /etc/app.conf: Permission denied\nexit 1')).toBeUndefined();
  });
});

describe('the host side', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-host-tracer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('without strace, the error says how to install it', async () => {
    await expect(findHostTracer({ PATH: dir })).rejects.toThrow(/none is installed: install it with the package manager \(apt-get install strace/);
  });

  test('a SCRATCHIFY_STRACE that is not a program is refused', async () => {
    writeFileSync(join(dir, 'strace'), '#!/bin/sh\n');
    chmodSync(join(dir, 'strace'), 0o755);
    await expect(findHostTracer({ SCRATCHIFY_STRACE: join(dir, 'strace') })).rejects.toThrow(/is not an ELF program/);
    await expect(findHostTracer({ SCRATCHIFY_STRACE: join(dir, 'missing') })).rejects.toThrow(/cannot read strace at .*missing: ENOENT/);
  });

  test('an image of another architecture than the host strace is refused', () => {
    expect(() => checkArchitecture(tracer, 'arm64')).toThrow("the image is arm64, but this host's strace is for ELF machine 62");
    expect(() => checkArchitecture(tracer, 'amd64')).not.toThrow();
  });
});
