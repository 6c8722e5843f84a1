/**
 * Linting what a user points at: a Dockerfile, the image its target builds (from an archive, the local
 * engine, or a build), or both. Obtains and analyzes the image, then runs `lint`. The CLI is a thin layer
 * over this; library users can call it the same way.
 */
import { analyzeLoadedImage } from '../analyze';
import { parseDockerfile, type Dockerfile } from '../dockerfile';
import { UsageError, isScratchifyError } from '../errors';
import { openImage } from '../image';
import { temporaryDirectory } from '../output';
import { acquireImageArchive, type ImageRequest } from '../slim/acquire';
import { checkImageMatchesTarget } from '../slim/slim';
import { resolveStages, type StageGraph } from '../stages';
import type { LintConfig } from './config';
import { lint, type LintInput } from './linter';
import type { LintResult, LintThresholds } from './types';

export interface LintProjectOptions {
  dockerfile?: { text: string; file: string };
  /** Where the image comes from; none lints the Dockerfile alone. */
  image?: ImageRequest;
  /** Build context (default: the Dockerfile's directory): `--build` and `.dockerignore`. */
  context?: string;
  /** True when the user named `context` rather than it defaulting to the Dockerfile's directory. */
  contextGiven?: boolean;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Extra paths the analysis keeps (`--keep`). */
  keep?: string[];
  /** False with `--no-package-db`: the slim image would carry no package database. */
  packageDatabase?: boolean;
  config?: LintConfig;
  thresholds?: LintThresholds;
  onProgress?: (message: string) => void;
}

/**
 * The Dockerfile parsed and resolved as the image was built (target, build args), or undefined when it cannot
 * be: lint then reports that as its one finding, and there is nothing to build or match an image against.
 */
function parseForImage(options: LintProjectOptions & { dockerfile: { text: string; file: string } }): { dockerfile: Dockerfile; graph: StageGraph } | undefined {
  try {
    const { dockerfile } = parseDockerfile(options.dockerfile.text, { file: options.dockerfile.file });
    return { dockerfile, graph: resolveStages(dockerfile, { target: options.target, buildArgs: options.buildArgs }) };
  } catch (error) {
    if (isScratchifyError(error) && (error.kind === 'parse' || error.kind === 'expand')) return undefined;
    throw error;
  }
}

export async function lintProject(options: LintProjectOptions): Promise<LintResult> {
  if (!options.dockerfile && !options.image) throw new UsageError('nothing to lint: give a Dockerfile, or an image with --image-archive, --image or --build');
  const thresholdsGiven = options.thresholds?.maxWastePercent !== undefined || options.thresholds?.maxWasteBytes !== undefined;
  if (thresholdsGiven && !options.image) {
    throw new UsageError('--max-waste-percent and --max-waste-bytes measure an image: add --image-archive FILE, --image REF or --build');
  }
  if (options.image?.kind === 'build' && !options.dockerfile) throw new UsageError('--build needs the Dockerfile to build');
  const input: LintInput = {
    dockerfile: options.dockerfile,
    contextDir: options.context,
    contextGiven: options.contextGiven,
    target: options.target,
    buildArgs: options.buildArgs,
    config: options.config,
    thresholds: options.thresholds,
  };
  if (!options.image) return lint(input);
  const parsed = options.dockerfile ? parseForImage({ ...options, dockerfile: options.dockerfile }) : undefined;
  if (options.dockerfile && !parsed) return lint(input);

  const acquire = { dockerfile: options.dockerfile, context: options.context, buildArgs: options.buildArgs, image: options.image, onProgress: options.onProgress };
  // Registered with the cleanup of src/output/, so a signal does not leave it behind.
  const work = temporaryDirectory('scratchify-lint-');
  try {
    const { location } = await acquireImageArchive(acquire, work.path, parsed);
    options.onProgress?.('reading the image');
    const image = await openImage(location);
    if (parsed && options.dockerfile) checkImageMatchesTarget(image.config, parsed.graph.stages[parsed.graph.target].contract, options.dockerfile.file);
    options.onProgress?.('analyzing the image');
    const analysis = await analyzeLoadedImage(image, {
      keep: options.keep,
      packageDatabase: options.packageDatabase,
      dockerfile: options.dockerfile && { ...options.dockerfile, target: options.target, buildArgs: options.buildArgs },
      onProgress: options.onProgress,
    });
    return lint({ ...input, image: { source: imageName(options, location), analysis, tree: image.tree } });
  } finally {
    work.remove();
  }
}

/** How findings name the image: the archive path, the reference, or the Dockerfile that was built (a temporary archive means nothing to users). */
function imageName(options: LintProjectOptions, location: string): string {
  const request = options.image;
  if (request?.kind === 'reference') return request.reference;
  if (request?.kind === 'archive') return request.path;
  return options.dockerfile ? `${options.dockerfile.file} (built)` : location;
}
