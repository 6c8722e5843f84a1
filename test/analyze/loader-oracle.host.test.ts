/**
 * The loader emulation against two oracles on this Debian 12 machine: pax-utils' lddtree (pyelftools) and
 * the real glibc loader in list mode. lddtree must be run with /usr/bin/python3 (the first python3 on PATH
 * is another interpreter without pyelftools).
 */
import { execFileSync } from 'child_process';
import { elfClosure, type LoadedProcess } from '../../src/analyze/loader';
import { describeWithHostTools } from '../support/host-tools';
import { HostDirectoryTree } from './host-directory-tree';

const FILES = [
  '/bin/ls',
  '/usr/bin/ssh',
  '/usr/bin/git',
  '/usr/bin/python3.11',
  '/usr/bin/openssl',
  '/usr/bin/gcc',
  '/usr/bin/curl',
  '/usr/lib/x86_64-linux-gnu/libssl.so.3',
  '/usr/lib/x86_64-linux-gnu/libcurl.so.4',
  '/usr/lib/x86_64-linux-gnu/libxml2.so.2',
  '/usr/lib/x86_64-linux-gnu/libstdc++.so.6',
  '/usr/lib/x86_64-linux-gnu/libc.so.6',
];

/** lddtree -l: the file itself, then every library path as it was found (interpreter as written). */
function lddtree(file: string): string[] {
  const out = execFileSync('/usr/bin/python3', ['/usr/bin/lddtree', '-l', file], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).slice(1);
}

/** `ld.so --list`: name → path as the real loader opened it (or "not found"). */
function realLoader(file: string): Map<string, string> {
  const out = execFileSync('/lib64/ld-linux-x86-64.so.2', ['--list', file], { encoding: 'utf8' });
  return new Map([...out.matchAll(/^\t(\S+) => (.*?)(?: \(0x[0-9a-f]+\))?$/gm)].map((m) => [m[1], m[2]]));
}

function loadedPaths(process: LoadedProcess): string[] {
  return process.objects.slice(1).filter((o) => !o.variant).map((o) => o.path);
}

/** Our name → path map in the shape of `ld.so --list` (the loader itself is listed without a name there). */
function neededMap(process: LoadedProcess): Map<string, string> {
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

describeWithHostTools(['lddtree', '/usr/bin/python3', '/lib64/ld-linux-x86-64.so.2', ...FILES], 'closure of binaries of this machine', () => {
  const tree = new HostDirectoryTree('/');

  test.each(FILES)('%s loads the same files lddtree lists', async (file) => {
    const closure = await elfClosure(tree, [file]);
    expect(closure.warnings).toEqual([]);
    expect(new Set(loadedPaths(closure.processes[0]))).toEqual(new Set(lddtree(file)));
  });

  test.each(FILES)('%s resolves every DT_NEEDED like ld.so --list', async (file) => {
    const closure = await elfClosure(tree, [file]);
    const expected = realLoader(file);
    // For a library root without PT_INTERP the real loader maps itself and names it like any dependency.
    const mine = neededMap(closure.processes[0]);
    if (closure.processes[0].objects.every((o) => o.via !== 'interpreter')) {
      expected.delete('ld-linux-x86-64.so.2');
      mine.delete('ld-linux-x86-64.so.2');
    }
    expect(mine).toEqual(expected);
  });

  test('/bin/ls keeps the interpreter path as written and every usrmerge symlink on the way', async () => {
    const { kept } = await elfClosure(tree, ['/bin/ls']);
    for (const link of ['/bin', '/lib64', '/usr/lib64/ld-linux-x86-64.so.2', '/lib']) {
      expect(kept.get(link)?.map((r) => r.reason)).toContain('symlink');
    }
    expect(kept.get('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')).toEqual([
      { reason: 'interpreter', by: '/usr/bin/ls', detail: 'PT_INTERP /lib64/ld-linux-x86-64.so.2' },
    ]);
    expect(kept.get('/usr/lib/x86_64-linux-gnu/libc.so.6')?.[0]).toMatchObject({ reason: 'needed', by: '/usr/bin/ls' });
    // Every kept path exists, and every one that is not a symlink is a real file.
    for (const [path, reasons] of kept) {
      const entry = tree.lstat(path);
      expect(entry).toBeDefined();
      expect(entry?.type === 'symlink').toBe(reasons.every((r) => r.reason === 'symlink'));
    }
    // Libraries in the default directories need no ld.so.cache in the slim image.
    expect(kept.has('/etc/ld.so.cache')).toBe(false);
  });
});
