/**
 * GitHub code scanning's `primaryLocationLineHash`: the same rolling hash github/codeql-action computes when
 * it uploads SARIF without fingerprints (src/fingerprints.ts there), so alerts keep their identity when lines
 * move and the raw upload API, which computes nothing, gets the same values.
 *
 * Per line: a polynomial hash (base 37, modulo 2^64) of the first 100 characters from the line's start,
 * skipping spaces and tabs, with CR/CRLF read as LF and a 65535 marker plus zeros after the end of the file;
 * the value is printed in hex with `:n`, n counting earlier lines with the same hash.
 */
const WINDOW = 100;
const BASE = 37n;
const MASK = (1n << 64n) - 1n;
const END_OF_FILE = 65535;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/** 37^100 mod 2^64: the weight of the character leaving the window. */
const LEAVING_WEIGHT = (() => {
  let weight = 1n;
  for (let i = 0; i < WINDOW; i++) weight = (weight * BASE) & MASK;
  return weight;
})();

/** The hash of every line of `text`, by 1-based line number. */
export function lineHashes(text: string): Map<number, string> {
  const hashes = new Map<number, string>();
  const window = new Array<number>(WINDOW).fill(0);
  // The line that starts at each window slot, or 0 when the character there does not start a line.
  const startsLine = new Array<number>(WINDOW).fill(0);
  const seen = new Map<string, number>();
  let hash = 0n;
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCr = false;

  const emit = (): void => {
    const hex = hash.toString(16);
    const count = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, count);
    hashes.set(startsLine[slot], `${hex}:${count}`);
    startsLine[slot] = 0;
  };
  const push = (code: number): void => {
    hash = (BASE * hash + BigInt(code) - LEAVING_WEIGHT * BigInt(window[slot])) & MASK;
    window[slot] = code;
    slot = (slot + 1) % WINDOW;
  };
  const take = (input: number): void => {
    let code = input;
    if (code === SPACE || code === TAB || (afterCr && code === LF)) {
      afterCr = false;
      return;
    }
    afterCr = code === CR;
    if (code === CR) code = LF;
    // The slot about to be overwritten started a line WINDOW characters ago: its window is complete.
    if (startsLine[slot] !== 0) emit();
    if (atLineStart) {
      atLineStart = false;
      line += 1;
      startsLine[slot] = line;
    }
    if (code === LF) atLineStart = true;
    push(code);
  };

  for (let i = 0; i < text.length; i++) take(text.charCodeAt(i));
  take(END_OF_FILE);
  for (let i = 0; i < WINDOW; i++) {
    if (startsLine[slot] !== 0) emit();
    push(0);
  }
  return hashes;
}
