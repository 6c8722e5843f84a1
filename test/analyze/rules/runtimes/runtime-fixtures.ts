/**
 * Shared pieces of the language-runtime rule tests: small roots written into a tmp directory (fake
 * interpreters are any executable file with the right name: the rules decide by path and content), the
 * default rule set plus the rule under test, and a real sample image saved from the engine.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, type Analysis } from '../../../../src/analyze';
import type { FileRule, ImageRule } from '../../../../src/analyze/types';
import { DEFAULT_RULES } from '../../../../src/analyze/rules';
import { openImage, type ImageConfig } from '../../../../src/image';
import { buildImage, docker, saveImage } from '../../../support/docker';

/** A file of a test root: text content, or a symlink target with `link`. */
export type RootFile = string | { content: string; mode: number } | { link: string };

/** Writes a root directory from a path → content table; paths are image paths. */
export function writeRoot(files: Record<string, RootFile>): string {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-runtime-'));
  for (const [path, spec] of Object.entries(files)) {
    const host = join(root, path);
    if (path.endsWith('/')) {
      mkdirSync(host, { recursive: true });
      continue;
    }
    mkdirSync(dirname(host), { recursive: true });
    if (typeof spec === 'string') writeFileSync(host, spec);
    else if ('link' in spec) symlinkSync(spec.link, host);
    else {
      writeFileSync(host, spec.content);
      chmodSync(host, spec.mode);
    }
  }
  return root;
}

/** An executable stand-in for an interpreter. */
export const executable = (content = '\x7fELF fake\n'): RootFile => ({ content, mode: 0o755 });

export function imageConfig(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

/** Analyzes a root with the default rules plus the given ones. */
export async function analyzeWith(root: string, overrides: Partial<ImageConfig>, fileRules: FileRule[], imageRules: ImageRule[] = []): Promise<Analysis> {
  const image = await openImage(root);
  return analyze({ tree: image.tree, config: imageConfig(overrides) }, {}, {
    imageRules: [...DEFAULT_RULES.imageRules, ...imageRules],
    fileRules: [...DEFAULT_RULES.fileRules, ...fileRules],
  });
}

export const keptPaths = (analysis: Analysis): string[] => analysis.kept.map((kept) => kept.path);

/**
 * A sample image as a `docker save` tar plus its tag: the tag `dev-<sample>` when the engine has it (built
 * by the team's setup), else built now from samples/<sample>; the tar is saved from that very image.
 */
export async function sampleImage(sample: string, workDir: string): Promise<{ tag: string; tar: string }> {
  const tag = `dev-${sample}`;
  const inspect = await docker(['image', 'inspect', tag]);
  if (inspect.exitCode !== 0) await buildImage(join(__dirname, '../../../../samples', sample), tag);
  const tar = join(workDir, `${sample}.tar`);
  if (!existsSync(tar)) await saveImage(tag, tar);
  return { tag, tar };
}
