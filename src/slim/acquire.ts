/**
 * Getting the image a Dockerfile's target produces: from an archive the user saved, from the local engine by
 * reference, or by building the target. `slim` and `lint` both start here.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Dockerfile } from '../dockerfile';
import { ScratchifyError, UsageError } from '../errors';
import { findEngine, type Engine } from '../image/engine';
import type { StageGraph } from '../stages';

export type ImageRequest =
  | { kind: 'archive'; path: string }
  | { kind: 'reference'; reference: string }
  | { kind: 'build' }
  /** Build when an engine is there; otherwise the caller falls back to the self-contained form. */
  | { kind: 'auto' };

export interface AcquireOptions {
  /** Dockerfile text and the path it was read from (`<stdin>` has no directory to build in). */
  dockerfile?: { text: string; file: string };
  /** Build context (default: the Dockerfile's directory). */
  context?: string;
  buildArgs?: Record<string, string>;
  image: ImageRequest;
  /** Inject an engine (tests); default: `findEngine()`. */
  engine?: Engine | null;
  onProgress?: (message: string) => void;
}

/** Raised when there is no image and no engine: the caller may emit the self-contained form instead. */
export class NoEngineError extends ScratchifyError {
  constructor() {
    super('engine', 'no container engine found (docker, podman or buildah) and no --image-archive given');
  }
}

/**
 * The image archive to read: the user's own, or one saved into `work` (a directory the caller removes).
 * `argument` is the command-line form that names the image again, for the emitted header comment.
 */
export async function acquireImageArchive(
  options: AcquireOptions,
  work: string,
  /** The parsed Dockerfile, needed to build its target. */
  parsed?: { graph: StageGraph; dockerfile: Dockerfile },
): Promise<{ location: string; argument?: string }> {
  const request = options.image;
  if (request.kind === 'archive') return { location: request.path, argument: `--image-archive ${request.path}` };
  const engine = options.engine === undefined ? await findEngine() : options.engine;
  if (!engine) {
    if (request.kind === 'auto') throw new NoEngineError();
    throw new ScratchifyError('engine', `no container engine found (docker, podman or buildah) to ${request.kind === 'build' ? 'build the image' : `save ${request.reference}`}`);
  }
  const archive = join(work, 'image.tar');
  if (request.kind === 'reference') {
    options.onProgress?.(`saving ${request.reference} with ${engine.name}`);
    await engine.save(request.reference, archive);
    return { location: archive, argument: `--image ${request.reference}` };
  }
  if (!parsed || !options.dockerfile) throw new UsageError('building needs the Dockerfile');
  const { graph, dockerfile } = parsed;
  const source = options.dockerfile;
  if (source.file === '<stdin>' && !options.context) throw new UsageError('building needs --context when the Dockerfile comes from standard input');
  const context = options.context ?? dirname(source.file);
  const tag = `scratchify-build:${createHash('sha256').update(source.text).digest('hex').slice(0, 12)}`;
  const targetName = dockerfile.stages[graph.target].name ?? (graph.target === dockerfile.stages.length - 1 ? undefined : String(graph.target));
  if (targetName !== undefined && /^\d+$/.test(targetName)) {
    throw new UsageError(`the target stage ${targetName} has no name; engines build only named targets (add AS name to its FROM)`);
  }
  options.onProgress?.(`building the ${targetName ?? 'final'} stage with ${engine.name}`);
  await engine.build({ context, dockerfile: source.file, target: targetName, buildArgs: options.buildArgs ?? {}, tag }, (line) =>
    options.onProgress?.(`${engine.name} build: ${line.slice(0, 100)}`),
  );
  try {
    await engine.save(tag, archive);
  } finally {
    await engine.remove(tag);
  }
  return { location: archive, argument: undefined };
}
