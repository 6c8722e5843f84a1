/**
 * Analysis of an image on disk, optionally with the Dockerfile that built it: the Dockerfile tells which
 * files are the application (the final stage's COPY/ADD) and may carry `# scratchify keep=GLOB` comments.
 */
import { openImage, type LoadedImage } from '../image/open-image';
import type { ResolveOptions } from '../stages';
import { analyze, defaultRules, type RuleSet } from './analyzer';
import type { Analysis, ApplicationCopy, GivenRoot } from './types';

export interface DockerfileContext extends ResolveOptions {
  text: string;
  file?: string;
}

export interface ImageAnalysisOptions {
  dockerfile?: DockerfileContext;
  keep?: string[];
  /** Roots with their own reasons (see AnalyzeOptions.roots). */
  roots?: GivenRoot[];
  /** Default: every rule; `closureRules()` for an analysis of the given roots only. */
  rules?: RuleSet;
  /** Whether the slim image carries the package database (default true). */
  packageDatabase?: boolean;
  onProgress?: (message: string) => void;
}

const KEEP_COMMENT = /^\s*#\s*scratchify\s+keep\s*=\s*(.+?)\s*$/;

/** `# scratchify keep=GLOB[,GLOB]` comments anywhere in the Dockerfile. */
export function keepComments(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const match = KEEP_COMMENT.exec(line);
    return match ? match[1].split(/[,\s]+/).filter((glob) => glob !== '') : [];
  });
}

/**
 * The final stage's COPY/ADD as the analyzer's application roots. The Dockerfile parser and
 * stage resolution are loaded here, on first use: they are a third of what loading the analysis costs, and an
 * image analyzed without its Dockerfile never needs them.
 */
export function applicationCopies(context: DockerfileContext): ApplicationCopy[] {
  const { parseDockerfile } = require('../dockerfile') as typeof import('../dockerfile');
  const { resolveStages } = require('../stages') as typeof import('../stages');
  const { dockerfile } = parseDockerfile(context.text, { file: context.file });
  const graph = resolveStages(dockerfile, context);
  return graph.stages[graph.target].copies.map(({ sources, destination, line }) => ({ sources, destination, line }));
}

export async function analyzeLoadedImage(image: LoadedImage, options: ImageAnalysisOptions = {}): Promise<Analysis> {
  const keep = [...(options.keep ?? []), ...(options.dockerfile ? keepComments(options.dockerfile.text) : [])];
  const application = options.dockerfile ? applicationCopies(options.dockerfile) : [];
  return analyze({ tree: image.tree, config: image.config }, { keep, application, roots: options.roots, onProgress: options.onProgress, packageDatabase: options.packageDatabase }, options.rules);
}

/** Opens a `docker save` archive, OCI layout or archive, or root directory, and analyzes it. */
export async function analyzeImage(location: string, options: ImageAnalysisOptions = {}): Promise<Analysis> {
  options.onProgress?.(`reading ${location}`);
  // The rules load once the layers are queued, overlapping the reading instead of delaying it.
  const image = await openImage(location, {}, { whileReading: () => void defaultRules() });
  return analyzeLoadedImage(image, options);
}
