/**
 * The Python rule against the real python-app sample: the kept set, written into a directory, runs the
 * sample's program under chroot and prints what the fat image prints, while holding a fraction of the
 * stdlib.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type Analysis } from '../../../../src/analyze';
import { DEFAULT_RULES } from '../../../../src/analyze/rules';
import { pythonModuleCommandRule, pythonRule } from '../../../../src/analyze/rules/python';
import { openImage } from '../../../../src/image';
import { describeWithDocker, runContainer } from '../../../support/docker';
import { materialize } from '../../../support/materialize';
import { sampleImage } from './runtime-fixtures';

describeWithDocker('python rule on the python-app sample', () => {
  const work = mkdtempSync(join(tmpdir(), 'scratchify-python-image-'));
  let analysis: Analysis;
  let tag: string;
  let image: Awaited<ReturnType<typeof openImage>>;

  beforeAll(async () => {
    const sample = await sampleImage('python-app', work);
    tag = sample.tag;
    image = await openImage(sample.tar);
    analysis = await analyze({ tree: image.tree, config: image.config }, {}, {
      imageRules: [...DEFAULT_RULES.imageRules, pythonModuleCommandRule],
      fileRules: [...DEFAULT_RULES.fileRules, pythonRule],
    });
  }, 15 * 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('keeps the interpreter start-up files and what report.py imports, not the whole stdlib', () => {
    const kept = new Set(analysis.kept.map((k) => k.path));
    for (const path of [
      '/usr/lib/python3.11/os.py',
      '/usr/lib/python3.11/encodings/utf_8.py',
      '/usr/lib/python3.11/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so',
      '/usr/lib/python3.11/lib-dynload/_decimal.cpython-311-x86_64-linux-gnu.so',
      '/usr/lib/python3/dist-packages/yaml/__init__.py',
    ]) expect(kept).toContain(path);
    const yamlExtension = analysis.kept.find((k) => /\/yaml\/_yaml\.cpython-311-.*\.so$/.test(k.path));
    expect(yamlExtension).toBeDefined();
    expect(analysis.kept.some((k) => /\/libyaml-0\.so/.test(k.path))).toBe(true);
    // Bytecode caches are kept (Python reads them), but never the -O variants.
    expect(analysis.kept.some((k) => /\/__pycache__\/json\/|\/json\/__pycache__\/__init__\.cpython-311\.pyc$/.test(k.path))).toBe(true);
    expect(analysis.kept.some((k) => /\.opt-\d\.pyc$/.test(k.path))).toBe(false);
    const sqlite = analysis.kept.find((k) => k.path === '/usr/lib/python3.11/sqlite3/__init__.py');
    expect(sqlite?.reasons).toContainEqual(expect.objectContaining({ rule: 'python-import', by: '/opt/inventory/report.py' }));
    const stdlibFiles = (paths: Iterable<string>) => [...paths].filter((p) => p.startsWith('/usr/lib/python3.11/') && p.endsWith('.py')).length;
    const all = stdlibFiles([...image.tree.entries()].map((e) => e.path));
    const keptStdlib = stdlibFiles(kept);
    process.stdout.write(`python-app: ${keptStdlib} of ${all} stdlib .py files kept; ${analysis.kept.length} paths, ${(analysis.totals.keptBytes / 1e6).toFixed(1)} of ${(analysis.totals.imageBytes / 1e6).toFixed(1)} MB\nwarnings:\n${analysis.warnings.join('\n')}\n`);
    // report.py imports much (sqlite3, decimal, json, hashlib, lzma, yaml), so most of the core stays; what
    // nothing reaches stays out.
    expect(keptStdlib).toBeLessThan(all * 0.7);
    for (const unused of ['unittest', 'asyncio', 'multiprocessing', 'concurrent', 'ctypes', 'xmlrpc']) {
      expect(analysis.kept.some((k) => k.path.startsWith(`/usr/lib/python3.11/${unused}/`))).toBe(false);
    }
    expect(analysis.warnings.filter((w) => w.includes('python'))).toEqual([]);
  });

  it('runs report.py chroot-ed in the kept set with the output of the fat image', async () => {
    const root = join(work, 'root');
    mkdirSync(root);
    await materialize(image.tree, root, { paths: analysis.kept.map((k) => k.path) });
    const argv = ['/usr/bin/python3', '/opt/inventory/report.py', '/opt/inventory/inventory.yaml'];
    const env = Object.fromEntries(image.config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const slim = execFileSync('chroot', [root, ...argv], { env, encoding: 'utf8', cwd: '/' });
    const fat = await runContainer(tag, { args: argv });
    expect(fat.exitCode).toBe(0);
    expect(slim).toBe(fat.stdout);
    expect(JSON.parse(slim)).toMatchObject({ items: 4, units: 472, warehouse: 'north' });
  }, 5 * 60_000);
}, { hostTools: ['chroot'] });
