/** `printable`: what a terminal or a line reader would act on is shown as an escape, everything else as it is. */
import fc from 'fast-check';
import { printable } from '../../src/format/printable';

describe('printable', () => {
  it.each([
    ['plain /usr/lib/x86_64-linux-gnu/libc.so.6', 'plain /usr/lib/x86_64-linux-gnu/libc.so.6'],
    ['données-ü 日本語 😀', 'données-ü 日本語 😀'],
    ['a\\b stays', 'a\\b stays'],
    ['esc\x1b]0;owned\x07', 'esc\\x1b]0;owned\\x07'],
    ['cr\rlf\ntab\tnul\0del\x7f', 'cr\\x0dlf\\x0atab\\x09nul\\x00del\\x7f'],
    ['c1 \u009b31m \u0085', 'c1 \\u{9b}31m \\u{85}'],
    ['not utf-8 a\udcff caf\udce9', 'not utf-8 a\\xff caf\\xe9'],
    ['lone \ud800 and \udc10', 'lone \\u{d800} and \\u{dc10}'],
    ['bidi \u202etxt.exe \u2066x\u2069 \u200f', 'bidi \\u{202e}txt.exe \\u{2066}x\\u{2069} \\u{200f}'],
    ['separators \u2028 \u2029', 'separators \\u{2028} \\u{2029}'],
    ['pair \u{10080} kept', 'pair \u{10080} kept'],
  ])('case %#', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('never lets a control character, a line break or a lone surrogate through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = printable(text);
        expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        // Well formed: encoding to UTF-8 and back changes nothing (a lone surrogate would become U+FFFD).
        expect(Buffer.from(shown).toString()).toBe(shown);
      }),
    );
  });
});
