/**
 * The skeleton stage's line-copying script (src/emit/dockerfile/skeleton.ts) and the archive emitter's
 * selectLines (src/packages/line-selection.ts) must give the same bytes for any file: run the script with dash
 * on awkward content and compare.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINES_SCRIPT, SKELETON_DIR } from '../../src/emit/dockerfile/skeleton';
import { rangesOperand, selectLines, splitLines, toRanges } from '../../src/packages';
import { describeWithHostTools } from '../support/host-tools';

const CONTENTS: [string, Buffer][] = [
  ['stanzas', Buffer.from('Package: a\nStatus: install ok installed\nDescription: x\n  \\n $HOME `id`\n\tindented\n\nPackage: b\nVersion: 1\n')],
  ['no final line feed', Buffer.from('one\ntwo\nthree')],
  ['empty lines and carriage returns', Buffer.from('\n\na\r\n\r\n  lead\ntrail  \n\n')],
  ['non-UTF-8 bytes and backslashes', Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0x0a, 0xff, 0x5c, 0x5c, 0x6e, 0x0a]), Buffer.from('-n\n-e \\t\n%s %d\n')])],
];

describeWithHostTools(['/bin/dash'], 'the skeleton line script copies the lines selectLines selects', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scratchify-lines-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(CONTENTS)('%s', (_name, content) => {
    const lines = splitLines(content);
    const selections = [toRanges(lines.map((_, index) => index + 1)), toRanges([1]), toRanges([lines.length]), toRanges(lines.map((_, index) => index + 1).filter((n) => n % 2 === 0 || n === 3))];
    for (const ranges of selections.filter((ranges) => ranges.length > 0)) {
      const source = join(dir, 'source');
      writeFileSync(source, content);
      // The script writes under the skeleton directory; here under a temporary one instead.
      const script = LINES_SCRIPT.replace(`s=${SKELETON_DIR};`, `s=${dir};`);
      expect(script).not.toBe(LINES_SCRIPT);
      execFileSync('/bin/dash', ['-c', script, 'scratchify-skeleton', 'lines', source, 'out', rangesOperand(ranges)]);
      expect(readFileSync(join(dir, 'out'))).toEqual(selectLines(lines, ranges));
    }
  });
});
