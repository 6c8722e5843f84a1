import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

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
 * The conformance folder; throws when it is missing so that conformance tests fail instead of passing
 * vacuously (under CI=true and everywhere else).
 */
export function requireConformanceDir(): string {
  const dir = conformanceDir();
  if (dir === undefined) {
    throw new Error(
      `BuildKit conformance data not found at ${candidateDir()}. Set ${ENV_VARIABLE} to the folder holding ` +
        'testfiles/, envVarTest and wordsTest, or check out shared/ next to the repository.',
    );
  }
  return dir;
}
