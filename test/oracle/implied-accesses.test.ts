/**
 * The oracle's implied accesses (test/support/working-set.ts): what the kernel loads for an exec and the Python
 * source a cached module needs, neither of which strace reports as an open.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { impliedAccesses } from '../support/working-set';
import { HostDirectoryTree } from '../analyze/host-directory-tree';
import { makeRoot } from '../support/small-root';

describe('impliedAccesses', () => {
  let root: string;
  beforeEach(() => {
    root = makeRoot();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('an executed script brings its #! interpreter (through /usr/bin/env) and each ELF its PT_INTERP loader', () => {
    const tree = new HostDirectoryTree(root);
    const implied = impliedAccesses(root, tree, [{ named: '/usr/local/bin/tool.sh', real: '/usr/local/bin/tool.sh', syscall: 'execve' }]);
    expect(implied).toEqual([
      { named: '/usr/bin/env', real: '/usr/bin/env', syscall: 'kernel-binfmt-script' },
      { named: '/lib64/ld-linux-x86-64.so.2', real: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', syscall: 'kernel-binfmt-elf' },
    ]);
  });

  test('a script whose interpreter is a symlink is named as written and resolved to the real file', () => {
    const tree = new HostDirectoryTree(root);
    const implied = impliedAccesses(root, tree, [{ named: '/usr/local/bin/start.sh', real: '/usr/local/bin/start.sh', syscall: 'execve' }]);
    expect(implied[0]).toEqual({ named: '/bin/sh', real: '/usr/bin/dash', syscall: 'kernel-binfmt-script' });
    expect(implied.map((access) => access.real)).toContain('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  });

  test('an opened __pycache__ file needs its source; a cache without one, or a plain open, implies nothing', () => {
    mkdirSync(join(root, 'app/__pycache__'), { recursive: true });
    writeFileSync(join(root, 'app/mod.py'), 'x = 1\n');
    writeFileSync(join(root, 'app/__pycache__/mod.cpython-311.pyc'), 'cache');
    writeFileSync(join(root, 'app/__pycache__/gone.cpython-311.opt-1.pyc'), 'cache');
    const tree = new HostDirectoryTree(root);
    const implied = impliedAccesses(root, tree, [
      { named: '/app/__pycache__/mod.cpython-311.pyc', real: '/app/__pycache__/mod.cpython-311.pyc', syscall: 'openat' },
      { named: '/app/__pycache__/gone.cpython-311.opt-1.pyc', real: '/app/__pycache__/gone.cpython-311.opt-1.pyc', syscall: 'openat' },
      { named: '/srv/app/config.ini', real: '/srv/app/config.ini', syscall: 'openat' },
    ]);
    expect(implied).toEqual([{ named: '/app/mod.py', real: '/app/mod.py', syscall: 'python-source-of-cache' }]);
  });
});
