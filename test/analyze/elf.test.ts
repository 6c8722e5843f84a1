import fc from 'fast-check';
import { DF_1_PIE, EM_AARCH64, parseElf } from '../../src/analyze/elf';
import { buildElf } from './elf-builder';

describe('parseElf on synthetic layouts', () => {
  test.each([
    [32, 'little'],
    [32, 'big'],
    [64, 'little'],
    [64, 'big'],
  ] as const)('class %d %s endian round-trips every field', (elfClass, endian) => {
    const spec = {
      elfClass,
      endian,
      machine: EM_AARCH64,
      type: 3,
      interpreter: '/lib/ld-linux-aarch64.so.1',
      needed: ['libz.so.1', 'libc.so.6'],
      soname: 'libdemo.so.2',
      rpath: '$ORIGIN',
      runpath: '/opt/x',
      flags1: DF_1_PIE,
    };
    const result = parseElf(buildElf(spec));
    expect(result).toMatchObject({
      ok: true,
      elf: { elfClass, endian, machine: EM_AARCH64, type: 'dyn', interpreter: spec.interpreter, needed: spec.needed, soname: spec.soname, rpath: spec.rpath, runpath: spec.runpath, dtFlags1: DF_1_PIE },
    });
  });

  test('non-ELF input is reported, not thrown', () => {
    expect(parseElf(Buffer.from('#!/bin/sh\necho hi\n'))).toMatchObject({ ok: false, error: 'not-elf' });
    expect(parseElf(Buffer.alloc(0))).toMatchObject({ ok: false, error: 'not-elf' });
    expect(parseElf(Buffer.from('\x7fELF', 'latin1'))).toMatchObject({ ok: false, error: 'truncated' });
  });

  test('random corruption of headers and dynamic data never throws', () => {
    const base = buildElf({ needed: ['libc.so.6'], soname: 'x', rpath: 'r', interpreter: '/lib/ld' });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), (edits) => {
        const buf = Buffer.from(base);
        for (const [at, value] of edits) buf[at] = value;
        expect(() => parseElf(buf)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
