/**
 * The output writer (src/output/): outputs checked before anything is written, staged in temporary files
 * beside them, installed only when every one is complete, and the old files left as they were otherwise;
 * temporary files and directories registered for removal on SIGINT/SIGTERM/SIGHUP while they exist.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ScratchifyError, UsageError } from '../../src/errors';
import { OutputSet, temporaryDirectory } from '../../src/output';
import { tempDir } from '../image/image-builder';

let dir: string;

beforeEach(() => {
  dir = tempDir('scratchify-output-');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const listing = (): string[] => fs.readdirSync(dir).sort();

describe('OutputSet', () => {
  it('stages every output in a temporary file beside it and installs them all at commit', async () => {
    fs.writeFileSync(join(dir, 'a'), 'old a');
    const outputs = OutputSet.open([
      { option: '-o', path: join(dir, 'a') },
      { option: '--report', path: join(dir, 'b') },
    ]);
    expect(listing().filter((name) => name.includes('.scratchify-'))).toHaveLength(2);
    outputs.get('-o')?.write('new a');
    await outputs.get('--report')?.produce(async (file) => fs.promises.writeFile(file, 'new b'));
    expect(fs.readFileSync(join(dir, 'a'), 'utf8')).toBe('old a');
    expect(outputs.commit()).toBe('');
    outputs.discard();
    expect(listing()).toEqual(['a', 'b']);
    expect([fs.readFileSync(join(dir, 'a'), 'utf8'), fs.readFileSync(join(dir, 'b'), 'utf8')]).toEqual(['new a', 'new b']);
  });

  it('gives the new file the permission bits of the one it replaces', () => {
    fs.writeFileSync(join(dir, 'private'), 'old');
    fs.chmodSync(join(dir, 'private'), 0o600);
    const outputs = OutputSet.open([{ option: '--report', path: join(dir, 'private') }, { option: '-o', path: join(dir, 'new') }]);
    outputs.get('--report')?.write('new');
    outputs.get('-o')?.write('new');
    outputs.commit();
    expect(fs.statSync(join(dir, 'private')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(join(dir, 'new')).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('replaces nothing when one output fails, and removes every temporary file', async () => {
    fs.writeFileSync(join(dir, 'a'), 'old a');
    fs.writeFileSync(join(dir, 'b'), 'old b');
    const outputs = OutputSet.open([
      { option: '-o', path: join(dir, 'a') },
      { option: '--oci-archive', path: join(dir, 'b') },
    ]);
    outputs.get('-o')?.write('new a');
    const failing = outputs.get('--oci-archive')?.produce(async (file, output) => {
      fs.writeFileSync(output.newScratchFile('layer'), 'half a layer');
      fs.writeFileSync(file, 'half an archive');
      throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
    });
    await expect(failing).rejects.toThrow(new ScratchifyError('io', `cannot write ${join(dir, 'b')}: ENOSPC`));
    outputs.discard();
    expect(listing()).toEqual(['a', 'b']);
    expect([fs.readFileSync(join(dir, 'a'), 'utf8'), fs.readFileSync(join(dir, 'b'), 'utf8')]).toEqual(['old a', 'old b']);
  });

  it('will not commit while an output is incomplete', () => {
    const outputs = OutputSet.open([{ option: '-o', path: join(dir, 'a') }, { option: '--report', path: join(dir, 'b') }]);
    outputs.get('-o')?.write('a');
    expect(() => outputs.commit()).toThrow('--report was never written');
    outputs.discard();
    expect(listing()).toEqual([]);
  });

  it('refuses, at commit, a path that became a symlink after the check, keeping what the link points to', () => {
    fs.writeFileSync(join(dir, 'victim'), 'precious');
    const outputs = OutputSet.open([{ option: '-o', path: join(dir, 'a') }]);
    outputs.get('-o')?.write('new');
    fs.symlinkSync(join(dir, 'victim'), join(dir, 'a'));
    expect(() => outputs.commit()).toThrow(UsageError);
    outputs.discard();
    expect(fs.lstatSync(join(dir, 'a')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious');
    expect(listing()).toEqual(['a', 'victim']);
  });

  it.each([
    ['a symlink to a file', () => fs.symlinkSync(join(dir, 'victim'), join(dir, 'out')), /it is a symbolic link, not a regular file/],
    ['a dangling symlink', () => fs.symlinkSync(join(dir, 'nowhere'), join(dir, 'out')), /it is a symbolic link, not a regular file/],
    ['a directory', () => fs.mkdirSync(join(dir, 'out')), /it is a directory, not a regular file/],
  ])('refuses %s before writing anything', (_what, make, message) => {
    fs.writeFileSync(join(dir, 'victim'), 'precious');
    make();
    const before = listing();
    expect(() => OutputSet.open([{ option: '--report', path: join(dir, 'ok') }, { option: '-o', path: join(dir, 'out') }])).toThrow(message);
    expect(listing()).toEqual(before);
    expect(fs.readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious');
  });

  it('refuses two outputs that name one file, however the path is spelled', () => {
    fs.mkdirSync(join(dir, 'real'));
    fs.symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const same = [
      [join(dir, 'real', 'x'), `${dir}/real/./x`],
      [join(dir, 'real', 'x'), `${dir}/real/../real/x`],
      [join(dir, 'real', 'x'), join(dir, 'link', 'x')],
    ];
    for (const [first, second] of same) {
      expect(() => OutputSet.open([{ option: '-o', path: first }, { option: '--report', path: second }])).toThrow(`-o ${first} and --report ${second} name the same file`);
    }
    expect(fs.readdirSync(join(dir, 'real'))).toEqual([]);
  });

  it('takes - as standard output where allowed, once, and returns it at commit', () => {
    expect(() => OutputSet.open([{ option: '--oci-archive', path: '-' }])).toThrow('--oci-archive -: this output cannot go to standard output; give a file name');
    expect(() => OutputSet.open([{ option: '-o', path: '-', stdout: true }, { option: '--report', path: '-', stdout: true }])).toThrow(
      '-o and --report cannot both write to standard output (give one of them a file)',
    );
    const outputs = OutputSet.open([{ option: '-o', path: '-', stdout: true }, { option: '--report', path: join(dir, 'r') }]);
    outputs.get('-o')?.write('to stdout');
    outputs.get('--report')?.write('to a file');
    expect(outputs.commit()).toBe('to stdout');
    expect(listing()).toEqual(['r']);
  });

  it('says which directory is missing, and writes nothing', () => {
    expect(() => OutputSet.open([{ option: '-o', path: join(dir, 'a') }, { option: '--report', path: join(dir, 'missing', 'b') }])).toThrow(
      `cannot write ${join(dir, 'missing', 'b')}: ${join(dir, 'missing')} does not exist`,
    );
    expect(listing()).toEqual([]);
  });
});

describe('cleanup on signals', () => {
  const handlers = (): number[] => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal));

  it('handles SIGINT, SIGTERM and SIGHUP only while something is registered', () => {
    const before = handlers();
    const outputs = OutputSet.open([{ option: '-o', path: join(dir, 'a') }]);
    const work = temporaryDirectory('scratchify-output-test-');
    expect(handlers()).toEqual(before.map((count) => count + 1));
    outputs.discard();
    expect(handlers()).toEqual(before.map((count) => count + 1));
    work.remove();
    expect(handlers()).toEqual(before);
    expect(fs.existsSync(work.path)).toBe(false);
    expect(listing()).toEqual([]);
  });
});
