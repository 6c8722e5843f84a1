import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile, printDockerfile, type Dockerfile } from '../../src/dockerfile';
import { describeWithConformanceData } from '../support/conformance';

/** The IR without what printing legitimately changes: positions and the joined original line. */
function comparable(dockerfile: Dockerfile): unknown {
  return JSON.parse(
    JSON.stringify(dockerfile, (key, value) => (key === 'range' || key === 'original' || key === 'file' || key === 'line' || key === 'warnings' ? undefined : value)),
  );
}

function roundTrip(text: string): { first: Dockerfile; second: Dockerfile; printed: string } {
  const first = parseDockerfile(text, { strict: false }).dockerfile;
  const printed = printDockerfile(first);
  const second = parseDockerfile(printed, { strict: false }).dockerfile;
  return { first, second, printed };
}

function expectRoundTrip(file: string): void {
  const { first, second, printed } = roundTrip(readFileSync(file, 'utf8'));
  expect(comparable(second)).toEqual(comparable(first));
  // Printing is a fixed point after one round.
  expect(printDockerfile(second)).toBe(printed);
}

const samplesDir = join(__dirname, '..', '..', 'samples');
const samples = existsSync(samplesDir)
  ? readdirSync(samplesDir).map((name) => join(samplesDir, name, 'Dockerfile')).filter((file) => existsSync(file))
  : [];

describe('print then parse gives the same IR', () => {
  it('covers the samples too', () => {
    expect(samples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(samples)('%s', expectRoundTrip);

  it.each([
    ['heredocs with chomp and quoted delimiters', 'FROM alpine\nRUN <<-EOF cat >/a && <<"EOT" cat >/b\n\techo $x\n\tEOF\n$literal\nEOT\nCOPY <<one <<two /dest/\n1\none\n2\ntwo\n'],
    ['escape directive with backtick', '# escape=`\nFROM windows\nRUN dir c:\\ `\n  /s\nENV A=b` c\n'],
    ['flags with spaces', 'FROM a\nLABEL x=1\nCOPY --chown=1:1 --exclude=*.md --exclude="a b" . /app\nRUN --mount=type=cache,target=/root/.cache --network=none make\n'],
    ['comment that looks like a directive', '# escape=`\n\n# syntax=foo\nFROM a\n'],
  ])('%s', (_name, text) => {
    const { first, second } = roundTrip(text);
    expect(comparable(second)).toEqual(comparable(first));
  });
});

describeWithConformanceData("print then parse gives the same IR for BuildKit's test files", (root) => {
  const conformance = readdirSync(join(root, 'testfiles')).sort().map((name) => join(root, 'testfiles', name, 'Dockerfile'));
  it.each(conformance)('%s', expectRoundTrip);
});
