/**
 * Root selection from a trace, on a small image made here: what the checks opened, executed and looked up becomes
 * a root with its reason; what the engine provides, what the run created and the tracer's own files do not; the
 * kernel's loads for an executed file (#! interpreter, PT_INTERP) are added. Then the analysis takes the roots,
 * continues from them, and `why` shows the trace reason.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, closureRules, defaultRules, explain } from '../../src/analyze';
import { openImage, type ImageConfig, type LoadedImage } from '../../src/image';
import { traceRoots, type FileAccess } from '../../src/trace';
import { buildElf } from '../analyze/elf-builder';

function config(overrides: Partial<ImageConfig> = {}): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

const open = (named: string | undefined, real: string, extra: Partial<FileAccess> = {}): FileAccess => ({ syscall: 'openat', kind: 'open', named, real, create: false, directory: false, ...extra });
const exec = (named: string): FileAccess => ({ syscall: 'execve', kind: 'exec', named, create: false, directory: false });
const stat = (named: string): FileAccess => ({ syscall: 'newfstatat', kind: 'stat', named, create: false, directory: false });

describe('traceRoots', () => {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-trace-roots-'));
  let image: LoadedImage;

  beforeAll(async () => {
    const put = (path: string, content: string | Buffer, mode = 0o644): void => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
      chmodSync(join(root, path), mode);
    };
    mkdirSync(join(root, 'usr/lib64'), { recursive: true });
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    symlinkSync('usr/lib64', join(root, 'lib64'));
    symlinkSync('usr/bin', join(root, 'bin'));
    put('usr/lib64/ld-linux-x86-64.so.2', buildElf({ soname: 'ld-linux-x86-64.so.2' }), 0o755);
    put('usr/lib64/libpng16.so.16', buildElf({ soname: 'libpng16.so.16' }));
    put('usr/bin/app', buildElf({ type: 2, interpreter: '/lib64/ld-linux-x86-64.so.2', needed: [] }), 0o755);
    put('usr/bin/sh', buildElf({ type: 2, interpreter: '/lib64/ld-linux-x86-64.so.2' }), 0o755);
    put('usr/local/bin/run.sh', '#!/bin/sh -e\nexec app "$@"\n', 0o755);
    put('opt/plugins/png.so', buildElf({ soname: 'png.so', needed: ['libpng16.so.16'], runpath: '/usr/lib64' }));
    put('opt/plugins/jpeg.so', buildElf({ soname: 'jpeg.so' }));
    put('etc/app.conf', 'plugin=png\n');
    put('etc/hosts', '127.0.0.1 localhost\n');
    put('etc/resolv.conf', 'nameserver 10.0.0.1\n');
    put('usr/share/doc/app/README', 'x'.repeat(10_000));
    mkdirSync(join(root, 'proc'));
    mkdirSync(join(root, 'srv/data'), { recursive: true });
    mkdirSync(join(root, 'run/lock'), { recursive: true });
    mkdirSync(join(root, 'var'), { recursive: true });
    symlinkSync('/run/lock', join(root, 'var/lock'));
    image = await openImage(root);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const accesses: FileAccess[] = [
    exec('/usr/local/bin/run.sh'),
    exec('/bin/sh'),
    exec('/usr/bin/app'),
    open('/lib64/ld-linux-x86-64.so.2', '/usr/lib64/ld-linux-x86-64.so.2'),
    open('/etc/app.conf', '/etc/app.conf'),
    open('/opt/plugins/png.so', '/opt/plugins/png.so'),
    open('/srv/data', '/srv/data', { directory: true }),
    stat('/usr/share/doc/app/README'),
    // Not the image's: the engine's files, the kernel's, the tracer's, and a file the run created.
    open('/etc/hosts', '/etc/hosts'),
    open('/etc/resolv.conf', '/etc/resolv.conf'),
    open('/proc/self/maps', '/proc/self/maps'),
    open('/dev/null', '/dev/null'),
    open('/.scratchify-trace/lib/libc.so.6', '/.scratchify-trace/lib/libc.so.6'),
    open('/var/log/app.log', '/var/log/app.log', { create: true }),
    // Made at run time inside a directory of the image: that directory is a root.
    open('/srv/data/cache.db', '/srv/data/cache.db', { create: true }),
    { syscall: 'mkdir', kind: 'create', named: '/srv/data/tmp', create: true, directory: true },
    // ...and inside one the image reaches through a symlink (Debian's /var/lock): the name as the program used it.
    { syscall: 'mkdir', kind: 'create', named: '/var/lock/apache2.Xq3', create: true, directory: true },
    // A name the kernel did not follow to this file (the run replaced a link): only the real path counts.
    open('/etc/app-link.conf', '/etc/app.conf'),
  ];

  test('what the checks used becomes a root, with the check and the probe file in its reason', async () => {
    const roots = await traceRoots(image.tree, [{ check: 2, accesses }], 'samples/app/probe.json');
    expect(roots).toEqual([
      { path: '/usr/local/bin/run.sh', reason: { rule: 'trace', detail: 'executed at run time by check 2 of probe.json' } },
      { path: '/bin/sh', reason: { rule: 'trace', by: '/usr/local/bin/run.sh', detail: '#! interpreter the kernel ran for /usr/local/bin/run.sh, executed at run time by check 2 of probe.json' } },
      { path: '/bin/sh', reason: { rule: 'trace', detail: 'executed at run time by check 2 of probe.json' } },
      { path: '/lib64/ld-linux-x86-64.so.2', reason: { rule: 'trace', by: '/usr/bin/sh', detail: 'ELF interpreter the kernel loaded for /bin/sh, executed at run time by check 2 of probe.json' } },
      { path: '/usr/bin/app', reason: { rule: 'trace', detail: 'executed at run time by check 2 of probe.json' } },
      { path: '/lib64/ld-linux-x86-64.so.2', reason: { rule: 'trace', by: '/usr/bin/app', detail: 'ELF interpreter the kernel loaded for /usr/bin/app, executed at run time by check 2 of probe.json' } },
      { path: '/lib64/ld-linux-x86-64.so.2', reason: { rule: 'trace', detail: 'opened at run time by check 2 of probe.json' } },
      { path: '/etc/app.conf', reason: { rule: 'trace', detail: 'opened at run time by check 2 of probe.json' } },
      { path: '/opt/plugins/png.so', reason: { rule: 'trace', detail: 'opened at run time by check 2 of probe.json' } },
      { path: '/srv/data', reason: { rule: 'trace', detail: 'opened at run time by check 2 of probe.json' } },
      { path: '/usr/share/doc/app/README', reason: { rule: 'trace', detail: 'looked up at run time by check 2 of probe.json' } },
      { path: '/srv/data', reason: { rule: 'trace', detail: 'directory where cache.db was created at run time by check 2 of probe.json' } },
      { path: '/srv/data', reason: { rule: 'trace', detail: 'directory where tmp was created at run time by check 2 of probe.json' } },
      { path: '/var/lock', reason: { rule: 'trace', detail: 'directory where apache2.Xq3 was created at run time by check 2 of probe.json' } },
    ]);
  });

  test('a path a check opened is not also "looked up" by it; another check looking it up says so', async () => {
    const lookedUpThenOpened = [stat('/etc/app.conf'), open('/etc/app.conf', '/etc/app.conf'), stat('/etc/app.conf')];
    const roots = await traceRoots(image.tree, [{ check: 1, accesses: lookedUpThenOpened }, { check: 2, accesses: [stat('/etc/app.conf')] }], 'probe.json');
    expect(roots).toEqual([
      { path: '/etc/app.conf', reason: { rule: 'trace', detail: 'opened at run time by check 1 of probe.json' } },
      { path: '/etc/app.conf', reason: { rule: 'trace', detail: 'looked up at run time by check 2 of probe.json' } },
    ]);
  });

  test('a probe file name with a control character is quoted in reasons', async () => {
    const roots = await traceRoots(image.tree, [{ check: 1, accesses: [open('/etc/app.conf', '/etc/app.conf')] }], '/tmp/pro\nbe.json');
    expect(roots[0].reason.detail).toBe('opened at run time by check 1 of "pro\\nbe.json"');
  });

  test('the analysis continues from the roots, and why shows the trace reason', async () => {
    const roots = await traceRoots(image.tree, [{ check: 1, accesses }], 'probe.json');
    // The entrypoint never names the plugin: the static closure alone does not keep it.
    const staticOnly = await analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/local/bin/run.sh'] }) });
    expect(staticOnly.kept.map((kept) => kept.path)).not.toContain('/opt/plugins/png.so');

    const traced = await analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/local/bin/run.sh'] }) }, { roots }, defaultRules());
    const kept = traced.kept.map((path) => path.path);
    // The plugin, and the library it needs (its ELF closure), which no process opened in the trace.
    expect(kept).toEqual(expect.arrayContaining(['/opt/plugins/png.so', '/usr/lib64/libpng16.so.16', '/etc/app.conf', '/srv/data']));
    expect(kept).not.toContain('/opt/plugins/jpeg.so');
    const why = explain(traced, '/usr/lib64/libpng16.so.16');
    expect(why.chains[0].map((step) => `${step.path}: ${step.reason.rule} — ${step.reason.detail}`)).toEqual([
      '/usr/lib64/libpng16.so.16: elf-needed — DT_NEEDED libpng16.so.16 found via runpath as /usr/lib64/libpng16.so.16',
      '/opt/plugins/png.so: trace — opened at run time by check 1 of probe.json',
    ]);
  });

  test('--trace-only keeps the roots and their ELF closure, not what the static rules alone would add', async () => {
    const roots = await traceRoots(image.tree, [{ check: 1, accesses: [exec('/usr/bin/app'), open('/opt/plugins/png.so', '/opt/plugins/png.so')] }], 'probe.json');
    const only = await analyze({ tree: image.tree, config: config({ Entrypoint: ['/usr/local/bin/run.sh'] }) }, { roots }, closureRules());
    const kept = only.kept.filter((path) => path.type === 'file').map((path) => path.path).sort();
    expect(kept).toEqual(['/opt/plugins/png.so', '/usr/bin/app', '/usr/lib64/ld-linux-x86-64.so.2', '/usr/lib64/libpng16.so.16']);
  });
});
