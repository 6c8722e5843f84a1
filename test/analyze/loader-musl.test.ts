/**
 * musl rules (ldso/dynlink.c load_library, runtime-deps.md §1.12) on synthetic Alpine-like trees; this
 * machine has no musl loader to act as an oracle, so each expectation cites the rule it checks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { elfClosure } from '../../src/analyze/loader';
import { buildElf } from './elf-builder';
import { HostDirectoryTree } from './host-directory-tree';

let root: string;

function put(imagePath: string, content: Buffer | string): void {
  const host = path.join(root, imagePath);
  fs.mkdirSync(path.dirname(host), { recursive: true });
  fs.writeFileSync(host, content);
}

function link(imagePath: string, target: string): void {
  const host = path.join(root, imagePath);
  fs.mkdirSync(path.dirname(host), { recursive: true });
  fs.symlinkSync(target, host);
}

const LOADER = '/lib/ld-musl-x86_64.so.1';

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchify-musl-'));
  put(LOADER, buildElf({ soname: 'libc.musl-x86_64.so.1' }));
  link('/lib/libc.musl-x86_64.so.1', 'ld-musl-x86_64.so.1');
  put('/usr/lib/libz.so.1.3', buildElf({ soname: 'libz.so.1', needed: ['libc.musl-x86_64.so.1'] }));
  link('/usr/lib/libz.so.1', 'libz.so.1.3');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('libc names map to the loader; other names use the default path /lib:/usr/local/lib:/usr/lib', async () => {
  put('/usr/bin/app', buildElf({ type: 3, interpreter: LOADER, needed: ['libz.so.1', 'libc.musl-x86_64.so.1', 'libpthread.so.0'] }));
  const closure = await elfClosure(new HostDirectoryTree(root), ['/usr/bin/app']);
  const process = closure.processes[0];
  expect(process.flavor).toBe('musl');
  expect(closure.warnings).toEqual([]);
  const needed = Object.fromEntries(process.objects[0].needed.map((n) => [n.name, n.path]));
  expect(needed).toEqual({ 'libz.so.1': '/usr/lib/libz.so.1', 'libc.musl-x86_64.so.1': LOADER, 'libpthread.so.0': LOADER });
  expect([...closure.kept.keys()].sort()).toEqual([LOADER, '/usr/bin/app', '/usr/lib/libz.so.1', '/usr/lib/libz.so.1.3'].sort());
  expect(closure.kept.has('/lib/libc.musl-x86_64.so.1')).toBe(false);
});

test('/etc/ld-musl-x86_64.path replaces the default path and is kept', async () => {
  put('/opt/libs/libz.so.1', buildElf({ soname: 'libz.so.1' }));
  put('/etc/ld-musl-x86_64.path', '/opt/libs\n/usr/lib\n');
  put('/usr/bin/app', buildElf({ type: 3, interpreter: LOADER, needed: ['libz.so.1'] }));
  const closure = await elfClosure(new HostDirectoryTree(root), ['/usr/bin/app']);
  expect(closure.processes[0].objects[0].needed[0].path).toBe('/opt/libs/libz.so.1');
  expect(closure.kept.get('/etc/ld-musl-x86_64.path')?.[0].reason).toBe('musl-path');
});

test('RUNPATH is inherited in musl, and an rpath with a DST other than $ORIGIN is ignored', async () => {
  put('/app/lib/liba.so', buildElf({ soname: 'liba.so', needed: ['libb.so'] }));
  put('/app/lib/libb.so', buildElf({ soname: 'libb.so' }));
  put('/app/bin/app', buildElf({ type: 3, interpreter: LOADER, needed: ['liba.so'], runpath: '$ORIGIN/../lib' }));
  const inherited = await elfClosure(new HostDirectoryTree(root), ['/app/bin/app']);
  expect(inherited.processes[0].objects.map((o) => o.path)).toEqual(['/app/bin/app', LOADER, '/app/bin/../lib/liba.so', '/app/bin/../lib/libb.so']);

  put('/app/bin/app2', buildElf({ type: 3, interpreter: LOADER, needed: ['liba.so'], runpath: '$ORIGIN/../lib:$LIB' }));
  const ignored = await elfClosure(new HostDirectoryTree(root), ['/app/bin/app2']);
  expect(ignored.warnings).toEqual(['/app/bin/app2: DT_NEEDED liba.so not found']);
});

test('LD_LIBRARY_PATH comes before rpath in musl', async () => {
  put('/env/liba.so', buildElf({ soname: 'liba.so' }));
  put('/app/lib/liba.so', buildElf({ soname: 'liba.so' }));
  put('/app/bin/app', buildElf({ type: 3, interpreter: LOADER, needed: ['liba.so'], rpath: '/app/lib' }));
  const closure = await elfClosure(new HostDirectoryTree(root), ['/app/bin/app'], { ldLibraryPath: '/env' });
  expect(closure.processes[0].objects[0].needed[0].path).toBe('/env/liba.so');
});
