/**
 * Test roots for the system-file, path-reference and package rules: the small usrmerged root of
 * `test/support/small-root.ts` (/bin/true, dash, libc and loader as test/support/debian-binaries.ts makes them)
 * plus whatever a case writes into it, analyzed with the default rules and the rules under test.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyze, defaultRules, type Analysis, type AnalyzeOptions } from '../../../../src/analyze';
import { openImage, type ImageConfig } from '../../../../src/image';
import { apkRule } from '../../../../src/analyze/rules/apk';
import { dpkgRule } from '../../../../src/analyze/rules/dpkg';
import { pathReferencesRule } from '../../../../src/analyze/rules/path-references';
import { systemFilesFileRule, systemFilesImageRule } from '../../../../src/analyze/rules/system-files';
import { makeRoot } from '../../../support/small-root';

export const RULES = {
  imageRules: [...defaultRules().imageRules, systemFilesImageRule],
  fileRules: [...defaultRules().fileRules, systemFilesFileRule, pathReferencesRule, dpkgRule, apkRule],
};

/** Writes files into a root: string/Buffer content, `{ link }` symlinks, `{ executable }` programs, `{ dir }`. */
export type RootEntry = string | Buffer | { link: string } | { executable: Buffer } | { dir: true; mode?: number };

export function buildRoot(entries: Record<string, RootEntry>, base = makeRoot()): string {
  for (const [path, entry] of Object.entries(entries)) {
    const host = join(base, path);
    mkdirSync(dirname(host), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      writeFileSync(host, entry);
      // Scripts are written executable, as a Dockerfile would make them.
      if (entry.toString('latin1').startsWith('#!')) chmodSync(host, 0o755);
    }
    else if ('link' in entry) symlinkSync(entry.link, host);
    else if ('executable' in entry) {
      writeFileSync(host, entry.executable);
      chmodSync(host, 0o755);
    } else {
      mkdirSync(host, { recursive: true });
      if (entry.mode !== undefined) chmodSync(host, entry.mode);
    }
  }
  return base;
}

export function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

export async function analyzeRoot(root: string, overrides: Partial<ImageConfig>, options: AnalyzeOptions = {}): Promise<Analysis> {
  const image = await openImage(root);
  return analyze({ tree: image.tree, config: config(overrides) }, options, RULES);
}

/** The rules that kept a path (empty when it is not kept). */
export function rulesOf(analysis: Analysis, path: string): string[] {
  return analysis.kept.find((kept) => kept.path === path)?.reasons.map((reason) => reason.rule) ?? [];
}
