import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeGated } from './gate';

/**
 * Where BuildKit's conformance data lives (testfiles, testfiles-negative, envVarTest, wordsTest; see the
 * README there). `SCRATCHIFY_CONFORMANCE_DIR` wins; otherwise CI and the team's checkout keep `shared/` as
 * a sibling of the repository, so it is `<repo root>/../shared/conformance/buildkit`.
 */
const ENV_VARIABLE = 'SCRATCHIFY_CONFORMANCE_DIR';

const REPO_ROOT = resolve(__dirname, '..', '..');

function candidateDir(): string {
  const configured = process.env[ENV_VARIABLE];
  return configured !== undefined && configured !== '' ? resolve(configured) : resolve(REPO_ROOT, '..', 'shared', 'conformance', 'buildkit');
}

/** The conformance folder, or undefined when it is not there. */
export function conformanceDir(): string | undefined {
  const dir = candidateDir();
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/**
 * `describe` for suites over the conformance data: `fn` gets its folder. Without the data the suite fails under
 * CI=true and is skipped elsewhere (test/support/gate.ts), so that conformance tests never pass vacuously.
 */
export function describeWithConformanceData(name: string, fn: (dir: string) => void): void {
  const dir = conformanceDir();
  if (dir !== undefined) {
    describeGated('fast', undefined, name, () => fn(dir));
    return;
  }
  const missing = {
    reason: `BuildKit's conformance data is not at ${candidateDir()}`,
    remedy: `Set ${ENV_VARIABLE} to the folder holding testfiles/, envVarTest and wordsTest, or check out shared/ beside the repository.`,
  };
  describeGated('fast', missing, name, () => {
    test('reads the conformance data', () => {
      throw new Error(missing.reason);
    });
  });
}
