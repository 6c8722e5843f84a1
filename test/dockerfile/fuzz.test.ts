import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDockerfile, printDockerfile } from '../../src/dockerfile';
import { ScratchifyError } from '../../src/errors';
import { resolveStages } from '../../src/stages';

/** Parsing, resolving and printing may fail only with the project's own error type. */
function onlyOwnErrors(text: string): void {
  try {
    const { dockerfile } = parseDockerfile(text, { strict: false });
    printDockerfile(dockerfile);
    if (dockerfile.stages.length > 0) resolveStages(dockerfile);
  } catch (error) {
    if (!(error instanceof ScratchifyError)) throw error;
  }
}

const samplesDir = join(__dirname, '..', '..', 'samples');
const sampleTexts = readdirSync(samplesDir)
  .map((name) => join(samplesDir, name, 'Dockerfile'))
  .filter((file) => existsSync(file))
  .map((file) => readFileSync(file, 'utf8'));

// Pieces that exercise the parser's special paths, spliced into real Dockerfiles.
const tokens = ['\\\n', '`', '<<EOF\n', 'EOF\n', '<<-', '"', "'", '[', ']', '${', '}', '$', '--', '--from=', '#', '\n', '\t', '=', ' AS ', '# escape=`\n', '\r\n', '\u0000', 'ONBUILD '];

describe('the parser never throws anything but ScratchifyError', () => {
  it('on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), onlyOwnErrors), { numRuns: 1500 });
  });

  it('on random bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => onlyOwnErrors(Buffer.from(bytes).toString('utf8'))),
      { numRuns: 1000 },
    );
  });

  it('on mutations of the samples', () => {
    expect(sampleTexts.length).toBeGreaterThanOrEqual(6);
    const mutation = fc.record({
      sample: fc.integer({ min: 0, max: sampleTexts.length - 1 }),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          remove: fc.integer({ min: 0, max: 12 }),
          insert: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 6 })),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits }) => {
        let text = sampleTexts[sample];
        for (const edit of edits) {
          const at = edit.at % (text.length + 1);
          text = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
        }
        onlyOwnErrors(text);
      }),
      { numRuns: 800 },
    );
  });
});
