import { explain, type Analysis as WhyAnalysis } from '../../../../src/analyze';
import { pythonModuleCommandRule, pythonRule } from '../../../../src/analyze/rules/python';
import { scanPythonImports } from '../../../../src/analyze/rules/python-imports';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

const whySteps = (analysis: WhyAnalysis, path: string) => explain(analysis, path).chains.flat().map((step) => step.reason);

describe('scanPythonImports', () => {
  it.each([
    ['import os', [['os', 0]]],
    ['import a.b as c, d', [['a.b', 0], ['d', 0]]],
    ['from .x import y', [['x', 1]]],
    ['from .. import (a,\n  b)', [['', 2]]],
    ['try: import fast\nexcept ImportError: import slow', [['fast', 0], ['slow', 0]]],
    ['x = 1; import json', [['json', 0]]],
    ['"""import nope"""\n# import nope2\ns = "import nope3"', []],
    ["m = __import__('plug.in')", [['plug.in', 0]]],
    ["importlib.import_module('.rel', __package__)", [['rel', 1]]],
    ['from x \\\n  import y', [['x', 0]]],
  ])('%j', (source, expected) => {
    expect(scanPythonImports(source).imports.map((found) => [found.module, found.level])).toEqual(expected);
  });

  it('reports computed dynamic imports and the blocks around imports', () => {
    const scan = scanPythonImports('def main():\n    import argparse\nif __name__ == "__main__":\n    import pdb\nname = "x"\nimportlib.import_module(name)\n');
    expect(scan.dynamic).toEqual([{ line: 6, call: 'import_module(name)' }]);
    expect(scan.imports.map((found) => [found.module, found.scope])).toEqual([
      ['argparse', { functions: ['main'], mainGuard: false }],
      ['pdb', { functions: [], mainGuard: true }],
    ]);
  });
});

const STDLIB = '/usr/lib/python3.11';
const SITE = '/usr/lib/python3/dist-packages';

/** A Debian-like Python 3.11 with a few stdlib modules, a site package and an application. */
function pythonRoot(extra: Record<string, Parameters<typeof writeRoot>[0][string]> = {}): string {
  return writeRoot({
    '/usr/bin/python3.11': executable(),
    '/usr/bin/python3': { link: 'python3.11' },
    [`${STDLIB}/os.py`]: 'import abc\nimport sys\nimport stat\n',
    [`${STDLIB}/site.py`]: 'import os\nimport builtins\nimport _sitebuiltins\n',
    [`${STDLIB}/stat.py`]: '',
    [`${STDLIB}/abc.py`]: '',
    [`${STDLIB}/codecs.py`]: '',
    [`${STDLIB}/io.py`]: 'import abc\n',
    [`${STDLIB}/posixpath.py`]: 'import genericpath\n',
    [`${STDLIB}/genericpath.py`]: '',
    [`${STDLIB}/_collections_abc.py`]: '',
    [`${STDLIB}/_sitebuiltins.py`]: 'def _test():\n    import unittest\n',
    [`${STDLIB}/encodings/__init__.py`]: 'import codecs\n',
    [`${STDLIB}/encodings/utf_8.py`]: 'import codecs\n',
    [`${STDLIB}/encodings/__pycache__/utf_8.cpython-311.pyc`]: 'bytecode',
    [`${STDLIB}/encodings/__pycache__/utf_8.cpython-311.opt-1.pyc`]: 'optimized bytecode',
    [`${STDLIB}/unittest/__init__.py`]: '',
    [`${STDLIB}/json/__init__.py`]: 'from .decoder import JSONDecoder\n',
    [`${STDLIB}/json/decoder.py`]: 'import re\n',
    [`${STDLIB}/re.py`]: '',
    [`${STDLIB}/sqlite3/__init__.py`]: 'from sqlite3.dbapi2 import *\n',
    [`${STDLIB}/sqlite3/dbapi2.py`]: 'from _sqlite3 import *\n',
    [`${STDLIB}/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so`]: 'elf',
    [`${STDLIB}/lib-dynload/_lzma.cpython-311-x86_64-linux-gnu.so`]: 'elf',
    [`${STDLIB}/_sysconfigdata__x86_64-linux-gnu.py`]: 'build_time_vars = {}\n',
    [`${STDLIB}/big_unused.py`]: 'x = 1\n',
    [`${SITE}/yaml/__init__.py`]: 'from .cyaml import *\n',
    [`${SITE}/yaml/cyaml.py`]: 'from yaml._yaml import CParser\n',
    [`${SITE}/yaml/_yaml.cpython-311-x86_64-linux-gnu.so`]: 'elf',
    [`${SITE}/distutils-precedence.pth`]: "import os; __import__('_distutils_hack')\n",
    [`${SITE}/_distutils_hack/__init__.py`]: '',
    '/etc/python3.11/sitecustomize.py': 'try:\n    import apport_hook\nexcept ImportError:\n    pass\n',
    [`${STDLIB}/sitecustomize.py`]: { link: '/etc/python3.11/sitecustomize.py' },
    '/app/main.py': 'import json, sqlite3\nimport yaml\nfrom helpers import tool\nimport missing_mod\nimport sys\n',
    '/app/helpers.py': 'from . import nothing\n',
    '/app/cli': executable('#!/usr/bin/python3\nimport re\n'),
    ...extra,
  });
}

describe('python rule', () => {
  const root = pythonRoot();

  it('keeps start-up files, imported modules, extensions and whole packages, not the rest', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['python3', '/app/main.py'] }, [pythonRule]);
    const kept = keptPaths(analysis);
    const expected = [
      '/usr/bin/python3.11', `${STDLIB}/os.py`, `${STDLIB}/site.py`, `${STDLIB}/stat.py`, `${STDLIB}/encodings/utf_8.py`,
      `${STDLIB}/lib-dynload`, `${STDLIB}/_sysconfigdata__x86_64-linux-gnu.py`, '/etc/python3.11/sitecustomize.py',
      `${SITE}/distutils-precedence.pth`, `${SITE}/_distutils_hack/__init__.py`,
      `${STDLIB}/json/decoder.py`, `${STDLIB}/re.py`, `${STDLIB}/sqlite3/dbapi2.py`,
      `${STDLIB}/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so`, `${SITE}/yaml/_yaml.cpython-311-x86_64-linux-gnu.so`, '/app/helpers.py',
    ];
    expect(kept).toEqual(expect.arrayContaining(expected));
    // Bytecode Python reads instead of compiling stays; the -O variants do not.
    expect(kept).toContain(`${STDLIB}/encodings/__pycache__/utf_8.cpython-311.pyc`);
    for (const absent of [`${STDLIB}/big_unused.py`, `${STDLIB}/unittest/__init__.py`, `${STDLIB}/lib-dynload/_lzma.cpython-311-x86_64-linux-gnu.so`, `${STDLIB}/encodings/__pycache__/utf_8.cpython-311.opt-1.pyc`]) {
      expect(kept).not.toContain(absent);
    }
    const sqlite = analysis.kept.find((k) => k.path === `${STDLIB}/sqlite3/__init__.py`);
    expect(sqlite?.reasons).toContainEqual(expect.objectContaining({ rule: 'python-import', by: '/app/main.py' }));
    expect(whySteps(analysis, `${STDLIB}/sqlite3/__init__.py`)).toContainEqual(expect.objectContaining({ rule: 'python-import', by: '/app/main.py', detail: expect.stringContaining('import sqlite3 at line 1') }));
    expect(analysis.kept.find((k) => k.path === `${STDLIB}/os.py`)?.reasons[0]).toMatchObject({ rule: 'python-stdlib', by: '/usr/bin/python3.11' });
    const warnings = analysis.warnings.join('\n');
    expect(warnings).toMatch(/\/app\/main\.py: line 4: import missing_mod: no module missing_mod/);
    expect(warnings).not.toMatch(/apport_hook|import sys\b|nothing/);
  });

  it('follows python shebang scripts, PYTHONPATH and python -m', async () => {
    const withPath = pythonRoot({ '/opt/lib/extra.py': 'import posixpath\n', '/app/pkg/__init__.py': '', '/app/pkg/__main__.py': 'import extra\n' });
    const script = await analyzeWith(withPath, { Cmd: ['/app/cli'] }, [pythonRule]);
    expect(keptPaths(script)).toEqual(expect.arrayContaining(['/usr/bin/python3.11', `${STDLIB}/re.py`]));
    const module = await analyzeWith(withPath, { Cmd: ['python3', '-m', 'pkg'], WorkingDir: '/app', Env: ['PATH=/usr/bin', 'PYTHONPATH=/opt/lib'] }, [pythonRule], [pythonModuleCommandRule]);
    expect(keptPaths(module)).toEqual(expect.arrayContaining(['/app/pkg/__main__.py', '/opt/lib/extra.py']));
  });

  it('warns when the interpreter has no standard library', async () => {
    const bare = writeRoot({ '/usr/local/bin/python3.12': executable(), '/app/x.py': 'import os\n' });
    const analysis = await analyzeWith(bare, { Cmd: ['python3.12', '/app/x.py'] }, [pythonRule]);
    expect(analysis.warnings.join('\n')).toMatch(/no Python standard library/);
  });
});
