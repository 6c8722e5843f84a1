import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPARISON_PATH, compareLinters, comparisonMarkdown, PRESENT_PROBLEMS, type FileComparison } from '../../scripts/compare-linters';

const ROOT = join(__dirname, '..', '..');

describe('docs/lint-comparison.md', () => {
  let comparisons: FileComparison[];
  beforeAll(() => {
    comparisons = compareLinters(ROOT);
  });

  it('is what `npm run compare-linters` produces from the current rules and tools', () => {
    const committed = readFileSync(join(ROOT, COMPARISON_PATH), 'utf8');
    // A plain string comparison, so that a failure says how to fix it instead of printing two long documents.
    expect(committed === comparisonMarkdown(comparisons) ? 'current' : `${COMPARISON_PATH} is out of date: run \`npm run compare-linters\` and commit it`).toBe('current');
  });

  it('compares every judged Dockerfile, samples and fixtures alike', () => {
    expect(comparisons.map((comparison) => comparison.file).sort()).toEqual(Object.keys(PRESENT_PROBLEMS).sort());
    expect(comparisons.some((comparison) => comparison.file.startsWith('samples/'))).toBe(true);
  });

  it('finds that scratchify reads the current BuildKit syntax fixture without a parse error', () => {
    const modern = comparisons.find((comparison) => comparison.file.endsWith('/buildkit-syntax/Dockerfile'));
    expect(modern?.tools.scratchify.parseError).toBe(false);
  });
});
