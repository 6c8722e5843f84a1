/**
 * parseElf against readelf (binutils) on this machine's own binaries and on gcc builds; the synthetic layouts
 * are in elf.test.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { DF_1_PIE, EM_X86_64, hasElfMagic, parseElf, type ElfInfo } from '../../src/analyze/elf';
import { describeWithHostTools } from '../support/host-tools';

/** What readelf (binutils) says about a file: the oracle for the parser on real binaries. */
function readelfFacts(file: string): { interpreter?: string; needed: string[]; soname?: string; rpath?: string; runpath?: string } {
  const out = execFileSync('readelf', ['-dlW', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const bracket = (tag: string): string[] => [...out.matchAll(new RegExp(`\\(${tag}\\)\\s+[^[]*\\[([^\\]]*)\\]`, 'g'))].map((m) => m[1]);
  return {
    interpreter: /Requesting program interpreter: ([^\]]*)\]/.exec(out)?.[1],
    needed: bracket('NEEDED'),
    soname: bracket('SONAME')[0],
    rpath: bracket('RPATH')[0],
    runpath: bracket('RUNPATH')[0],
  };
}

function parseFile(file: string): ElfInfo {
  const result = parseElf(fs.readFileSync(file));
  if (!result.ok) throw new Error(`${file}: ${result.message}`);
  return result.elf;
}

function elfFilesIn(dir: string, limit: number): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    try {
      const stat = fs.lstatSync(file);
      if (!stat.isFile()) continue;
      const fd = fs.openSync(file, 'r');
      const head = Buffer.alloc(4);
      fs.readSync(fd, head, 0, 4, 0);
      fs.closeSync(fd);
      if (hasElfMagic(head)) out.push(file);
    } catch {
      continue;
    }
    if (out.length >= limit) break;
  }
  return out;
}

const REAL_FILES = ['/bin/ls', '/usr/bin/python3.11', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'];

describeWithHostTools(['readelf', ...REAL_FILES], 'parseElf on binaries of this machine', () => {
  test('/bin/ls is a 64-bit x86-64 dynamic PIE with the Debian interpreter', () => {
    const elf = parseFile('/bin/ls');
    const facts = readelfFacts('/bin/ls');
    expect(elf.elfClass).toBe(64);
    expect(elf.endian).toBe('little');
    expect(elf.machine).toBe(EM_X86_64);
    expect(elf.type).toBe('dyn');
    expect(elf.dtFlags1 & DF_1_PIE).toBe(DF_1_PIE);
    expect(elf.linkage).toBe('dynamic');
    expect(elf.interpreter).toBe(facts.interpreter);
    expect(elf.needed).toEqual(facts.needed);
  });

  test('python3 variants and a shared library agree with readelf', () => {
    const files = ['/usr/bin/python3.11', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'];
    for (const file of files) {
      const elf = parseFile(file);
      const facts = readelfFacts(file);
      expect({ file, interpreter: elf.interpreter, needed: elf.needed, soname: elf.soname, rpath: elf.rpath, runpath: elf.runpath }).toEqual({ file, ...facts });
    }
    // libc.so.6 is executable and has PT_INTERP, yet is a library (runtime-deps.md §1.1).
    expect(parseFile('/usr/lib/x86_64-linux-gnu/libc.so.6').interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    // ld.so needs nothing and has no PT_INTERP, but is not a static-pie program: no DF_1_PIE.
    expect(parseFile('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2').linkage).toBe('dynamic');
  });

  test('the first 200 ELF files in /usr/bin and the first 150 in /usr/lib/x86_64-linux-gnu match readelf', () => {
    const files = [...elfFilesIn('/usr/bin', 200), ...elfFilesIn('/usr/lib/x86_64-linux-gnu', 150)];
    expect(files.length).toBeGreaterThan(100);
    const mismatches: string[] = [];
    for (const file of files) {
      const elf = parseFile(file);
      const facts = readelfFacts(file);
      const mine = { interpreter: elf.interpreter, needed: elf.needed, soname: elf.soname, rpath: elf.rpath, runpath: elf.runpath };
      if (JSON.stringify(mine) !== JSON.stringify(facts)) mismatches.push(`${file}: ${JSON.stringify(mine)} vs ${JSON.stringify(facts)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describeWithHostTools(['gcc'], 'parseElf classifies gcc builds (runtime-deps.md §4.4)', () => {
  let dir: string;
  let source: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchify-elf-'));
    source = path.join(dir, 'main.c');
    fs.writeFileSync(source, 'int main(void) { return 0; }\n');
  });
  const build = (name: string, flags: string[]): string => {
    const out = path.join(dir, name);
    execFileSync('gcc', [...flags, '-o', out, source], { stdio: 'ignore' });
    return out;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('-static: EXEC, no interpreter, no dynamic section', () => {
    const elf = parseFile(build('static', ['-static']));
    expect([elf.type, elf.interpreter, elf.hasDynamic, elf.linkage]).toEqual(['exec', undefined, false, 'static']);
  });

  test('-static-pie: DYN with PT_DYNAMIC, no interpreter, no DT_NEEDED, DF_1_PIE', () => {
    const elf = parseFile(build('static-pie', ['-static-pie']));
    expect([elf.type, elf.interpreter, elf.hasDynamic, elf.needed, elf.linkage]).toEqual(['dyn', undefined, true, [], 'static-pie']);
  });

  test('-no-pie: EXEC with an interpreter; RPATH and RUNPATH are told apart', () => {
    const exec = parseFile(build('nopie', ['-no-pie', '-Wl,--disable-new-dtags,-rpath,/opt/a:$ORIGIN/../lib']));
    expect([exec.type, exec.linkage, exec.rpath, exec.runpath]).toEqual(['exec', 'dynamic', '/opt/a:$ORIGIN/../lib', undefined]);
    const withRunpath = parseFile(build('runpath', ['-Wl,--enable-new-dtags,-rpath,/opt/b']));
    expect([withRunpath.rpath, withRunpath.runpath]).toEqual([undefined, '/opt/b']);
  });
});

describeWithHostTools(['/bin/ls'], 'parseElf on a real binary', () => {
  test('every truncation of a real binary is a failure value or a consistent parse, never an exception', () => {
    const ls = fs.readFileSync('/bin/ls');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ls.length }), (length) => {
        const result = parseElf(ls.subarray(0, length));
        if (result.ok) expect(result.elf.machine).toBe(EM_X86_64);
      }),
      { numRuns: 300 },
    );
  });
});
