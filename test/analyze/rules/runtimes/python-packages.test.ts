/**
 * Python package systems: distribution metadata and entry points, dotted names on the command line, and the
 * libraries ctypes finds by name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pythonDottedNamesRule, pythonRule } from '../../../../src/analyze/rules/python';
import { parseEntryPoints, requirementName } from '../../../../src/analyze/rules/python-metadata';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

const STDLIB = '/usr/lib/python3.11';
const SITE = '/usr/lib/python3/dist-packages';

describe('entry_points.txt and requirements', () => {
  it('reads groups and entries with their lines', () => {
    const entries = parseEntryPoints('[console_scripts]\ngunicorn = gunicorn.app.wsgiapp:run\n\n# comment\n[paste.server_runner]\nmain = gunicorn.app.pasterapp:serve [extra]\n', '/e.txt');
    expect(entries).toEqual([
      { group: 'console_scripts', name: 'gunicorn', module: 'gunicorn.app.wsgiapp', origin: { path: '/e.txt', line: 2 } },
      { group: 'paste.server_runner', name: 'main', module: 'gunicorn.app.pasterapp', origin: { path: '/e.txt', line: 6 } },
    ]);
  });

  it.each([['gunicorn==20.1.0', 'gunicorn'], ['foo[extra]>=1', 'foo'], ['  bar; python_version<"3"', 'bar'], ['==1', undefined]])('%s names %s', (requirement, name) => {
    expect(requirementName(requirement)).toBe(name);
  });
});

function packagesRoot(): string {
  return writeRoot({
    '/usr/bin/python3.11': executable(),
    '/usr/bin/python3': { link: 'python3.11' },
    [`${STDLIB}/os.py`]: '',
    [`${STDLIB}/site.py`]: 'import os\n',
    [`${STDLIB}/importlib/__init__.py`]: '',
    [`${STDLIB}/importlib/metadata/__init__.py`]: '',
    [`${STDLIB}/ctypes/__init__.py`]: '',
    [`${STDLIB}/ctypes/util.py`]: '',
    [`${SITE}/gunicorn/__init__.py`]: '',
    [`${SITE}/gunicorn/app/__init__.py`]: '',
    [`${SITE}/gunicorn/app/wsgiapp.py`]: 'import importlib.metadata\nv = importlib.metadata.version("gunicorn")\n',
    [`${SITE}/gunicorn/workers/__init__.py`]: '',
    [`${SITE}/gunicorn/workers/sync.py`]: '',
    [`${SITE}/gunicorn/workers/gthread.py`]: '',
    [`${SITE}/gunicorn-20.1.0.egg-info/PKG-INFO`]: 'Name: gunicorn\n',
    [`${SITE}/gunicorn-20.1.0.egg-info/entry_points.txt`]: '[console_scripts]\ngunicorn = gunicorn.app.wsgiapp:run\n',
    [`${SITE}/gunicorn-20.1.0.egg-info/top_level.txt`]: 'gunicorn\n',
    [`${SITE}/other/__init__.py`]: '',
    [`${SITE}/other-1.0.dist-info/METADATA`]: 'Name: other\n',
    [`${SITE}/other-1.0.dist-info/RECORD`]: 'other/__init__.py,,\n',
    '/usr/bin/gunicorn': executable("#!/usr/bin/python3\nimport re\nimport sys\nfrom gunicorn.app.wsgiapp import run\nsys.exit(run())\n"),
    '/srv/app/hello.py': 'def application(environ, start_response):\n    pass\n',
    '/srv/app/unused.py': '',
    '/app/sniff.py': "import ctypes.util\nname = ctypes.util.find_library('magic')\nlib = ctypes.CDLL(name)\n",
    '/sbin/ldconfig': executable(),
    '/usr/lib/x86_64-linux-gnu/libmagic.so.1.0.0': '\x7fELF fake /etc/magic:/usr/share/misc/magic\0',
    '/usr/lib/x86_64-linux-gnu/libmagic.so.1': { link: 'libmagic.so.1.0.0' },
    '/usr/lib/x86_64-linux-gnu/libother.so.2': '\x7fELF fake\0',
    '/usr/share/misc/magic.mgc': 'compiled magic',
    '/usr/share/misc/unrelated.txt': '',
    '/etc/magic': '# local magic\n',
  });
}

/** A glibc-ld.so.cache1.1 file listing x86-64 libraries (strings after the entries, offsets from the header). */
function ldCache(entries: Array<{ name: string; path: string }>): Buffer {
  const header = 48;
  const entrySize = 24;
  const strings: Buffer[] = [];
  let offset = header + entries.length * entrySize;
  const table = Buffer.alloc(header + entries.length * entrySize);
  table.write('glibc-ld.so.cache1.1', 0, 'latin1');
  table.writeUInt32LE(entries.length, 20);
  table[28] = 2;
  entries.forEach((entry, index) => {
    const at = header + index * entrySize;
    table.writeUInt32LE(0x0303, at);
    for (const [field, text] of [[4, entry.name], [8, entry.path]] as const) {
      table.writeUInt32LE(offset, at + field);
      const bytes = Buffer.from(`${text}\0`, 'latin1');
      strings.push(bytes);
      offset += bytes.length;
    }
  });
  const stringBytes = Buffer.concat(strings);
  table.writeUInt32LE(stringBytes.length, 24);
  return Buffer.concat([table, stringBytes]);
}

describe('python package systems', () => {
  const root = packagesRoot();
  writeFileSync(join(root, 'etc/ld.so.cache'), ldCache([
    { name: 'libother.so.2', path: '/usr/lib/x86_64-linux-gnu/libother.so.2' },
    { name: 'libmagic.so.1', path: '/usr/lib/x86_64-linux-gnu/libmagic.so.1' },
  ]));
  const reasonsOf = (analysis: Awaited<ReturnType<typeof analyzeWith>>, path: string) => analysis.kept.find((k) => k.path === path)?.reasons ?? [];

  it('keeps the metadata of kept packages, and the modules named on the command line', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['gunicorn', '-k', 'gunicorn.workers.sync.SyncWorker', 'hello:application'], WorkingDir: '/srv/app' }, [pythonRule], [pythonDottedNamesRule]);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining([
      `${SITE}/gunicorn/app/wsgiapp.py`, `${SITE}/gunicorn-20.1.0.egg-info/PKG-INFO`, `${SITE}/gunicorn-20.1.0.egg-info/entry_points.txt`,
      `${SITE}/gunicorn/workers/sync.py`, '/srv/app/hello.py',
    ]));
    for (const absent of [`${SITE}/gunicorn/workers/gthread.py`, `${SITE}/other-1.0.dist-info/METADATA`, '/srv/app/unused.py']) expect(kept).not.toContain(absent);
    expect(reasonsOf(analysis, '/srv/app/hello.py')).toContainEqual(expect.objectContaining({ rule: 'python-dotted-name', detail: expect.stringContaining('names module hello') }));
    expect(reasonsOf(analysis, `${SITE}/gunicorn/workers/sync.py`)).toContainEqual(expect.objectContaining({ rule: 'python-dotted-name' }));
  });

  it('keeps what find_library runs and finds, and the data the library names', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['python3', '/app/sniff.py'] }, [pythonRule]);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining(['/sbin/ldconfig', '/etc/ld.so.cache', '/usr/lib/x86_64-linux-gnu/libmagic.so.1', '/usr/lib/x86_64-linux-gnu/libmagic.so.1.0.0', '/etc/magic', '/usr/share/misc/magic.mgc']));
    expect(kept).not.toContain('/usr/lib/x86_64-linux-gnu/libother.so.2');
    expect(kept).not.toContain('/usr/share/misc/unrelated.txt');
    expect(reasonsOf(analysis, '/usr/lib/x86_64-linux-gnu/libmagic.so.1.0.0')).toContainEqual(expect.objectContaining({ rule: 'python-ctypes', origin: { path: '/app/sniff.py', line: 2 } }));
    expect(reasonsOf(analysis, '/usr/share/misc/magic.mgc')).toContainEqual(expect.objectContaining({ rule: 'python-ctypes-data', by: '/usr/lib/x86_64-linux-gnu/libmagic.so.1.0.0' }));
  });
});
