import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { CACHE_FLAGS_X86_64, describeCacheFlags, lookupLdCache, parseLdCache, type LdCache } from '../../src/analyze/ldcache';
import { describeWithHostTools } from '../support/host-tools';

/** `ldconfig -p` lines: `\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1`, the oracle. */
function ldconfigListing(cacheFile: string): Array<{ name: string; label: string; path: string }> {
  const out = execFileSync('/sbin/ldconfig', ['-p', '-C', cacheFile], { encoding: 'utf8' });
  return [...out.matchAll(/^\t(\S+) \(([^)]*)\) => (.*)$/gm)].map((m) => ({ name: m[1], label: m[2], path: m[3] }));
}

function parseFile(file: string): LdCache {
  const result = parseLdCache(fs.readFileSync(file));
  if (!result.ok) throw new Error(result.message);
  return result.cache;
}

/** Compares our reading of a cache with what ldconfig prints for it, entry by entry, in order. */
function expectSameAsLdconfig(cacheFile: string, cache: LdCache): void {
  const listing = ldconfigListing(cacheFile);
  expect(listing.length).toBeGreaterThan(10);
  expect(cache.entries.map((e) => ({ name: e.name, path: e.path }))).toEqual(listing.map((l) => ({ name: l.name, path: l.path })));
  cache.entries.forEach((entry, i) => expect(listing[i].label.startsWith(describeCacheFlags(entry.flags))).toBe(true));
}

describeWithHostTools(['/sbin/ldconfig', '/etc/ld.so.cache', 'gcc'], 'parseLdCache', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchify-ldcache-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** ldconfig writes any of the three layouts from this machine's libraries; -X leaves the soname links alone. */
  const generate = (format: 'old' | 'compat' | 'new'): string => {
    const file = path.join(dir, `ld.so.cache.${format}`);
    execFileSync('/sbin/ldconfig', ['-X', '-c', format, '-C', file], { stdio: 'ignore' });
    return file;
  };

  test("this machine's /etc/ld.so.cache matches ldconfig -p", () => {
    const cache = parseFile('/etc/ld.so.cache');
    expect(cache.format).toBe('new');
    expect(cache.generator).toMatch(/^ldconfig .*release version 2\.\d+/);
    expect(cache.entries[0].flags).toBe(CACHE_FLAGS_X86_64);
    expectSameAsLdconfig('/etc/ld.so.cache', cache);
  });

  test.each(['new', 'old', 'compat'] as const)('a %s-format cache written by ldconfig reads like ldconfig -p', (format) => {
    const file = generate(format);
    const cache = parseFile(file);
    expect(cache.format).toBe(format);
    expectSameAsLdconfig(file, cache);
  });

  test('lookup returns the x86-64 libc6 record and nothing for other flags', () => {
    const cache = parseFile('/etc/ld.so.cache');
    const [hit] = lookupLdCache(cache, 'libc.so.6', CACHE_FLAGS_X86_64);
    expect(hit.path).toBe('/lib/x86_64-linux-gnu/libc.so.6');
    expect(fs.realpathSync(hit.path)).toBe(fs.realpathSync('/usr/lib/x86_64-linux-gnu/libc.so.6'));
    expect(lookupLdCache(cache, 'libc.so.6', 0x0a03)).toEqual([]);
    expect(lookupLdCache(cache, 'libdoes-not-exist.so.9', CACHE_FLAGS_X86_64)).toEqual([]);
  });

  test('glibc-hwcaps records carry their subdirectory name from the extension section', () => {
    const libs = path.join(dir, 'hwlibs');
    const variant = path.join(libs, 'glibc-hwcaps', 'x86-64-v3');
    fs.mkdirSync(variant, { recursive: true });
    const source = path.join(dir, 'demo.c');
    fs.writeFileSync(source, 'int demo(void) { return 1; }\n');
    for (const out of [path.join(libs, 'libdemo.so.1'), path.join(variant, 'libdemo.so.1')]) {
      execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libdemo.so.1', '-o', out, source], { stdio: 'ignore' });
    }
    const conf = path.join(dir, 'hw.conf');
    fs.writeFileSync(conf, `${libs}\n`);
    const file = path.join(dir, 'ld.so.cache.hwcaps');
    execFileSync('/sbin/ldconfig', ['-X', '-f', conf, '-C', file], { stdio: 'ignore' });
    const cache = parseFile(file);
    expectSameAsLdconfig(file, cache);
    const hits = lookupLdCache(cache, 'libdemo.so.1', CACHE_FLAGS_X86_64);
    expect(hits.map((h) => [h.path, h.hwcapsSubdir])).toEqual([
      [path.join(libs, 'libdemo.so.1'), undefined],
      [path.join(variant, 'libdemo.so.1'), 'x86-64-v3'],
    ]);
    const label = ldconfigListing(file).find((l) => l.path === path.join(variant, 'libdemo.so.1'))?.label;
    expect(label).toContain('hwcap: "x86-64-v3"');
  });

  test('garbage and truncated caches are reported, never thrown', () => {
    const real = fs.readFileSync('/etc/ld.so.cache');
    expect(parseLdCache(Buffer.from('hello'))).toMatchObject({ ok: false });
    expect(parseLdCache(real.subarray(0, 60))).toMatchObject({ ok: false });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: real.length }), fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (length, edits) => {
        const buf = Buffer.from(real.subarray(0, length));
        for (const [at, value] of edits) if (at < buf.length) buf[at] = value;
        expect(() => parseLdCache(buf)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
