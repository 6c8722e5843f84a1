/**
 * The main job: Dockerfile (+ the image its target produces) → slim Dockerfile. Gets the image from an
 * archive, from the local engine by reference, or by building the target; analyzes it; plans; emits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { analyzeLoadedImage, type Analysis } from '../analyze';
import { parseDockerfile, type Dockerfile } from '../dockerfile';
import { emitDockerfile } from '../emit/dockerfile';
import { emitSelfContained } from '../emit/self-contained';
import { ScratchifyError, UsageError } from '../errors';
import { openImage, type LoadedImage } from '../image';
import { findEngine, type Engine } from '../image/engine';
import type { ImageConfig } from '../image/source';
import { buildPlan, type SlimPlan } from '../plan';
import { resolveStages, type RuntimeContract, type StageGraph } from '../stages';

export type ImageRequest =
  | { kind: 'archive'; path: string }
  | { kind: 'reference'; reference: string }
  | { kind: 'build' }
  /** Build when an engine is there; otherwise the caller falls back to the self-contained form. */
  | { kind: 'auto' };

export interface SlimOptions {
  /** Dockerfile text and the path it was read from (`<stdin>` has no directory to build in). */
  dockerfile: { text: string; file: string };
  /** Build context (default: the Dockerfile's directory). */
  context?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  keep?: string[];
  image: ImageRequest;
  /** Inject an engine (tests); default: `findEngine()`. */
  engine?: Engine | null;
  onProgress?: (message: string) => void;
}

export type SlimOutcome = SlimResult | SelfContainedResult;

/** Without an engine or archive: the self-contained form (see emit/self-contained.ts for the trade-off). */
export interface SelfContainedResult {
  form: 'self-contained';
  text: string;
}

export interface SlimResult {
  form: 'exact';
  /** The emitted Dockerfile. */
  text: string;
  analysis: Analysis;
  plan: SlimPlan;
  image: LoadedImage;
  /** How the image was obtained, for messages and the header comment. */
  imageArgument?: string;
}

/** Raised when there is no image and no engine: the caller may emit the self-contained form instead. */
export class NoEngineError extends ScratchifyError {
  constructor() {
    super('engine', 'no container engine found (docker, podman or buildah) and no --image-archive given');
  }
}

/**
 * The image must come from the Dockerfile's target: what the Dockerfile itself sets must be in its config.
 * (Inherited config cannot be checked without the base image, so only what the Dockerfile states is.)
 */
export function checkImageMatchesTarget(config: ImageConfig, contract: RuntimeContract, file: string): void {
  const problems: string[] = [];
  const same = (a: string[] | undefined, b: string[] | undefined): boolean => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (contract.entrypoint && !same(contract.entrypoint, config.Entrypoint)) problems.push(`ENTRYPOINT ${JSON.stringify(contract.entrypoint)} vs ${JSON.stringify(config.Entrypoint ?? [])}`);
  if (contract.cmd && !same(contract.cmd, config.Cmd)) problems.push(`CMD ${JSON.stringify(contract.cmd)} vs ${JSON.stringify(config.Cmd ?? [])}`);
  if (contract.workdir && contract.workdir !== config.WorkingDir) problems.push(`WORKDIR ${contract.workdir} vs ${config.WorkingDir ?? '(none)'}`);
  if (contract.user && contract.user !== config.User) problems.push(`USER ${contract.user} vs ${config.User ?? '(none)'}`);
  for (const port of contract.exposedPorts) if (!config.ExposedPorts.includes(port)) problems.push(`EXPOSE ${port} missing`);
  for (const [key, value] of Object.entries(contract.labels)) if (config.Labels[key] !== value) problems.push(`LABEL ${key} differs`);
  if (problems.length > 0) {
    throw new UsageError(`the image is not what this Dockerfile's target builds (${problems.slice(0, 3).join('; ')})`, { file });
  }
}

/** True when the image has what the skeleton stage runs: /bin/sh, mkdir, ln, chmod, chown. */
function hasSkeletonTools(image: LoadedImage): boolean {
  const executable = (path: string): boolean => {
    try {
      const entry = image.tree.resolve(path, { followFinal: true }).entry;
      return entry !== undefined && (entry.type === 'file' || entry.type === 'hardlink') && (entry.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  };
  const inBin = (name: string): boolean => ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].some((dir) => executable(`${dir}/${name}`));
  return executable('/bin/sh') && ['mkdir', 'ln', 'chmod', 'chown'].every(inBin);
}

/** GNU cp (not busybox): its help text names `--parents`, which the skeleton's assembly step uses. */
async function hasGnuCp(image: LoadedImage): Promise<boolean> {
  for (const path of ['/usr/bin/cp', '/bin/cp']) {
    try {
      const resolution = image.tree.resolve(path, { followFinal: true });
      if (!resolution.entry || !resolution.path.endsWith('/cp')) continue;
      return (await image.tree.readFile(resolution.path)).includes('--parents');
    } catch {
      continue;
    }
  }
  return false;
}

async function obtainImage(options: SlimOptions, graph: StageGraph, dockerfile: Dockerfile, work: string): Promise<{ location: string; argument?: string }> {
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
  if (options.dockerfile.file === '<stdin>' && !options.context) throw new UsageError('building needs --context when the Dockerfile comes from standard input');
  const context = options.context ?? dirname(options.dockerfile.file);
  const tag = `scratchify-build:${createHash('sha256').update(options.dockerfile.text).digest('hex').slice(0, 12)}`;
  const targetName = dockerfile.stages[graph.target].name ?? (graph.target === dockerfile.stages.length - 1 ? undefined : String(graph.target));
  if (targetName !== undefined && /^\d+$/.test(targetName)) {
    throw new UsageError(`the target stage ${targetName} has no name; engines build only named targets (add AS name to its FROM)`);
  }
  options.onProgress?.(`building the ${targetName ?? 'final'} stage with ${engine.name}`);
  await engine.build({ context, dockerfile: options.dockerfile.file, target: targetName, buildArgs: options.buildArgs ?? {}, tag }, (line) =>
    options.onProgress?.(`${engine.name} build: ${line.slice(0, 100)}`),
  );
  try {
    await engine.save(tag, archive);
  } finally {
    await engine.remove(tag);
  }
  return { location: archive, argument: undefined };
}

export async function slim(options: SlimOptions): Promise<SlimOutcome> {
  const { dockerfile } = parseDockerfile(options.dockerfile.text, { file: options.dockerfile.file });
  const graph = resolveStages(dockerfile, { target: options.target, buildArgs: options.buildArgs });
  const work = mkdtempSync(join(tmpdir(), 'scratchify-slim-'));
  try {
    let obtained: { location: string; argument?: string };
    try {
      obtained = await obtainImage(options, graph, dockerfile, work);
    } catch (error) {
      if (!(error instanceof NoEngineError)) throw error;
      const stage = graph.stages[graph.target];
      const context = options.context ?? (options.dockerfile.file === '<stdin>' ? undefined : dirname(options.dockerfile.file));
      const text = emitSelfContained({ text: options.dockerfile.text, dockerfile, target: graph.target, contract: stage.contract, copies: stage.copies, context, keep: options.keep ?? [] });
      return { form: 'self-contained', text };
    }
    const { location, argument } = obtained;
    options.onProgress?.(`reading the image`);
    const image = await openImage(location);
    checkImageMatchesTarget(image.config, graph.stages[graph.target].contract, options.dockerfile.file);
    if ((image.config.Entrypoint ?? []).length === 0 && (image.config.Cmd ?? []).length === 0) {
      throw new UsageError(`the target stage cannot run: its image has neither ENTRYPOINT nor CMD`, {
        file: options.dockerfile.file,
        line: dockerfile.stages[graph.target].from.range.startLine,
      });
    }
    const analysis = await analyzeLoadedImage(image, {
      keep: options.keep,
      dockerfile: { text: options.dockerfile.text, file: options.dockerfile.file, target: options.target, buildArgs: options.buildArgs },
      onProgress: options.onProgress,
    });
    const hasShell = hasSkeletonTools(image);
    const plan = await buildPlan(analysis, image.tree, { hasShell, hasCpParents: hasShell && (await hasGnuCp(image)) });
    const text = emitDockerfile({ text: options.dockerfile.text, dockerfile, target: graph.target, plan, imageArgument: argument });
    return { form: 'exact', text, analysis, plan, image, imageArgument: argument };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
