/**
 * `describe` for suites that need something besides Node and the repository: the Docker Engine
 * (test/support/docker.ts), Debian tools and binaries (test/support/host-tools.ts), BuildKit's conformance data
 * (test/support/conformance.ts).
 *
 * - What the suite needs is there: it runs as written.
 * - It is missing and `CI=true`: the suite is one failing test that says what is missing, so CI can never go green
 *   by skipping.
 * - It is missing elsewhere (a developer's machine): the suite is skipped with a one-line notice, and the run's
 *   last line (test/support/global-teardown.ts) lists what was skipped and how to set it up.
 */
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The tiers of jest.config.js. */
export type Tier = 'fast' | 'host' | 'e2e';

/** Why a suite cannot run here and what sets it up. */
export interface Missing {
  /** One clause, e.g. `no Docker Engine answers through /usr/bin/docker`. */
  reason: string;
  /** Tools or files not found, merged across suites in the closing line. */
  items?: readonly string[];
  /** One sentence: the command or setting that provides it. */
  remedy: string;
}

/** One skipped suite, as written for the closing line. */
export interface SkipNote extends Missing {
  tier: Tier;
  file: string;
  suite: string;
}

/** What sets up the host and e2e tiers: the tools, the Docker Engine and its offline base images. */
export const ENGINE_SETUP = 'Run `sudo bash test/e2e/engine.sh` to install what they need.';

/** The folder the global setup made for skip notes; unset when a test file runs without it. */
export const SKIP_NOTES_VARIABLE = 'SCRATCHIFY_SKIP_NOTES_DIR';

/** Notes the skip for the closing line, and prints a notice unless an earlier suite of the run printed the same. */
function noteSkip(note: SkipNote): void {
  const notice = `[scratchify] skipping ${note.tier} suites: ${note.reason}. ${note.remedy}`;
  const dir = process.env[SKIP_NOTES_VARIABLE];
  if (dir) {
    // Each test file runs in a fresh module registry, so the notes written so far are what tells whether it was said.
    const said = readdirSync(dir).some((name) => readFileSync(join(dir, name), 'utf8').includes(JSON.stringify(note.reason)));
    appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(note)}\n`);
    if (said) return;
  }
  process.stderr.write(`${notice}\n`);
}

/** `describe(name, fn)` when `missing` is undefined; otherwise fail under CI=true or skip with a notice. */
export function describeGated(tier: Tier, missing: Missing | undefined, name: string, fn: () => void): void {
  if (missing === undefined) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      test(`needs what the ${tier} tier needs`, () => {
        throw new Error(`${missing.reason}. ${missing.remedy} CI=true, so this suite may not be skipped.`);
      });
    });
    return;
  }
  noteSkip({ ...missing, tier, file: expect.getState().testPath ?? '', suite: name });
  describe.skip(name, fn);
}
