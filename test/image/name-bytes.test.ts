/**
 * Names are bytes, held as strings by one lossless rule (src/image/name-bytes.ts, Python's surrogateescape):
 * every byte string decodes to a string that encodes back to it, different byte strings give different strings,
 * and valid UTF-8 decodes as Node decodes it.
 */
import fc from 'fast-check';
import { decodeName, escapedByte, nameBytes } from '../../src/image/name-bytes';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('decodeName and nameBytes', () => {
  it('decode valid UTF-8 as text and give its bytes back', () => {
    for (const text of ['usr/bin/env', 'données-ü.txt', '日本語', '😀 emoji', '\uFFFD real replacement character', '']) {
      expect(decodeName(Buffer.from(text))).toBe(text);
      expect(nameBytes(text).equals(Buffer.from(text))).toBe(true);
    }
  });

  it('turn each byte that is not UTF-8 into U+DC80..U+DCFF, and back', () => {
    const cases: Array<[Buffer, string]> = [
      [bytes(0x61, 0xff), 'a\udcff'],
      [bytes(0x61, 0xfe), 'a\udcfe'],
      [Buffer.concat([Buffer.from('caf'), bytes(0xe9), Buffer.from('.txt')]), 'caf\udce9.txt'],
      // An encoded surrogate is not UTF-8: three escaped bytes, never the surrogate itself.
      [bytes(0xed, 0xb2, 0x80), '\udced\udcb2\udc80'],
      // Overlong and truncated sequences, a lone continuation byte, a byte past U+10FFFF.
      [bytes(0xc0, 0xaf), '\udcc0\udcaf'],
      [bytes(0xe2, 0x82, 0x41), '\udce2\udc82A'],
      [bytes(0x80), '\udc80'],
      [bytes(0xf4, 0x90, 0x80, 0x80), '\udcf4\udc90\udc80\udc80'],
      [Buffer.concat([bytes(0xff), Buffer.from('é'), bytes(0xc3)]), '\udcffé\udcc3'],
    ];
    for (const [raw, name] of cases) {
      expect(decodeName(raw)).toBe(name);
      expect(nameBytes(name).equals(raw)).toBe(true);
    }
    expect(decodeName(bytes(0x61, 0xff))).not.toBe(decodeName(bytes(0x61, 0xfe)));
  });

  it('decode a slice of a larger buffer', () => {
    const raw = Buffer.concat([Buffer.from('xx'), bytes(0x61, 0xff), Buffer.from('yy')]);
    expect(decodeName(raw, 2, 4)).toBe('a\udcff');
  });

  it('keep a surrogate pair as the character it is when encoding', () => {
    // U+10080 is the pair D800 DC80: its low half is in the escape range but is no escaped byte.
    expect(nameBytes('\u{10080}').equals(Buffer.from('\u{10080}'))).toBe(true);
  });

  it('name the byte an escape stands for', () => {
    expect(escapedByte(0xdcff)).toBe(0xff);
    expect(escapedByte(0xdc80)).toBe(0x80);
    expect(escapedByte(0xdc7f)).toBeUndefined();
    expect(escapedByte(0x41)).toBeUndefined();
  });

  it('round-trip any bytes, and decode distinct bytes to distinct names', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const left = Buffer.from(a);
        const right = Buffer.from(b);
        expect(nameBytes(decodeName(left)).equals(left)).toBe(true);
        if (!left.equals(right)) expect(decodeName(left)).not.toBe(decodeName(right));
      }),
      { numRuns: 500 },
    );
  });

  it('decode every valid UTF-8 string as Node does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const raw = Buffer.from(text);
        expect(decodeName(raw)).toBe(raw.toString('utf8'));
      }),
    );
  });
});
