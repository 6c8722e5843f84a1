/**
 * Files made of whole lines of another file. A line is what a POSIX shell's `read -r` gives back: the bytes up to
 * a line feed (a last line without one counts). The skeleton stage's script copies lines the same way, so both
 * emitters write the same bytes.
 */
import type { LineRange } from './types';

/** The lines of `content`, each without its line feed. */
export function splitLines(content: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = content.indexOf(0x0a); index !== -1; index = content.indexOf(0x0a, start)) {
    lines.push(content.subarray(start, index));
    start = index + 1;
  }
  if (start < content.length) lines.push(content.subarray(start));
  return lines;
}

/** 1-based line numbers → ascending, merged ranges. */
export function toRanges(numbers: Iterable<number>): LineRange[] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: LineRange[] = [];
  for (const number of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] + 1 === number) last[1] = number;
    else ranges.push([number, number]);
  }
  return ranges;
}

/** The selected lines of `lines` (1-based ranges), each followed by a line feed. */
export function selectLines(lines: Buffer[], ranges: LineRange[]): Buffer {
  const parts: Buffer[] = [];
  const newline = Buffer.from('\n');
  for (const [from, to] of ranges) {
    for (let number = from; number <= to && number <= lines.length; number += 1) parts.push(lines[number - 1], newline);
  }
  return Buffer.concat(parts);
}

/** The ranges as the skeleton script's operand: `3-40,45-45`. */
export function rangesOperand(ranges: LineRange[]): string {
  return ranges.map(([from, to]) => `${from}-${to}`).join(',');
}
