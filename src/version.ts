/** The package version, read from package.json so `--version` never drifts from what was published. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findVersion(start: string): string {
  // From src/ (tests) the manifest is one level up, from dist/src/ (the built CLI) two.
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'scratchify' && parsed.version) return parsed.version;
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

export const VERSION = findVersion(__dirname);
