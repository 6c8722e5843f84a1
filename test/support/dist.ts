/**
 * The compiled tree under dist/, for the tests that run compiled code: worker threads (a worker is outside jest's
 * module system, so it cannot load TypeScript) and the CLI binary. The global setup compiles dist/ when it is
 * older than the sources, so a test never runs stale compiled code next to current sources.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const DIST = join(REPO, 'dist');

/** Sources under src/ whose compiled file is missing or older than they are. */
export function staleSources(dir = join(REPO, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return staleSources(path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) return [];
    try {
      if (statSync(outputOf(path)).mtimeMs >= statSync(path).mtimeMs) return [];
    } catch {
      // Not compiled at all.
    }
    return [relative(REPO, path)];
  });
}

/**
 * Compiles dist/ when a source is newer than its output. Type errors do not stop it (`--noCheck`): the type check
 * is `npm run typecheck`'s job, and `npm test` runs `npm run build`, which does both.
 */
export function compileWhenStale(): void {
  const stale = staleSources();
  if (stale.length === 0) return;
  process.stderr.write(`[scratchify] dist/ is older than ${listed(stale)}: compiling it (tsc --noCheck) for worker threads and the CLI tests\n`);
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json'), '--noCheck'], { cwd: REPO, stdio: 'inherit' });
  chmodSync(join(DIST, 'src', 'cli', 'main.js'), 0o755);
}

let current = false;

/** The compiled `.js` file of a source file of the repository (an absolute `.ts` path), checked to be current. */
export function compiledFile(sourceFile: string): string {
  if (!current) {
    const stale = staleSources();
    if (stale.length > 0) throw new Error(`dist/ is older than ${listed(stale)}: run \`npm run build\``);
    current = true;
  }
  return outputOf(sourceFile);
}

function outputOf(sourceFile: string): string {
  return join(DIST, relative(REPO, sourceFile)).replace(/\.ts$/, '.js');
}

function listed(stale: readonly string[]): string {
  return `${stale.length} source file${stale.length === 1 ? '' : 's'} (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''})`;
}
