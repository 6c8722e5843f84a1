/**
 * The main job: Dockerfile (+ the image its target produces) → slim Dockerfile. Gets the image from an
 * archive, from the local engine by reference, or by building the target; analyzes it; plans; emits.
 */
import { dirname } from 'node:path';
import { analyzeLoadedImage, closureRules, type Analysis, type GivenRoot } from '../analyze';
import { parseDockerfile } from '../dockerfile';
import { emitDockerfile, emitSelfContained, visible } from '../emit/dockerfile';
import { UsageError } from '../errors';
import { openImage, type LoadedImage } from '../image';
import { acquireImageArchive, NoEngineError, type AcquireOptions } from './acquire';
import type { ImageConfig } from '../image/source';
import { buildPlan, type SlimPlan } from '../plan';
import { findEngine } from '../image/engine';
import { runtimeOf, type ProbeFile } from '../probe';
import { findHostTracer, traceProbe } from '../trace';
import { temporaryDirectory } from '../output';
import { resolveStages, type RuntimeContract } from '../stages';

/** `--trace probe.json`: run the probe's checks on the image under a tracer and keep what they use. */
export interface TraceRequest {
  probe: ProbeFile;
  /** `--trace-only`: keep only the traced files and their ELF and system-file closure. */
  only?: boolean;
  /** How the checks reach a server (`verify --network`). */
  network?: string;
}

export interface SlimOptions extends AcquireOptions {
  dockerfile: { text: string; file: string };
  target?: string;
  keep?: string[];
  trace?: TraceRequest;
  /** Whether the slim image carries the package database of the kept packages (default true). */
  packageDatabase?: boolean;
  /**
   * False when only the image archives are wanted: the Dockerfile is then not emitted, so a name it could not
   * state exactly (a non-UTF-8 name) refuses nothing the archives can carry.
   */
  emitDockerfile?: boolean;
}

export type SlimOutcome = SlimResult | SelfContainedResult;

/** Without an engine or archive: the self-contained form (see emit/dockerfile/self-contained.ts for the trade-off). */
export interface SelfContainedResult {
  form: 'self-contained';
  text: string;
}

export interface SlimResult {
  form: 'exact';
  /** The emitted Dockerfile; undefined when `emitDockerfile` was false. */
  text?: string;
  analysis: Analysis;
  plan: SlimPlan;
  image: LoadedImage;
  /** How the image was obtained, for messages and the header comment. */
  imageArgument?: string;
  /**
   * Removes the temporary directory `image` may be read from (an image saved or built by the engine lives there
   * until then; it is removed at exit in any case). Call it once done with `image`.
   */
  close(): void;
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
    // The values are the image's and the Dockerfile's: shown escaped, so the message stays one line.
    throw new UsageError(`the image is not what this Dockerfile's target builds (${visible(problems.slice(0, 3).join('; '))})`, { file });
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

export async function slim(options: SlimOptions): Promise<SlimOutcome> {
  const { dockerfile } = parseDockerfile(options.dockerfile.text, { file: options.dockerfile.file });
  const graph = resolveStages(dockerfile, { target: options.target, buildArgs: options.buildArgs });
  // Tracing needs strace and an engine that runs containers: say so before building or reading anything.
  const traceEngine = options.trace ? (options.engine === undefined ? await findEngine() : options.engine) : undefined;
  if (options.trace) runtimeOf(traceEngine);
  const tracer = options.trace ? await findHostTracer() : undefined;
  // Registered with the cleanup of src/output/, so a signal does not leave it behind.
  const work = temporaryDirectory('scratchify-slim-');
  let handedOver = false;
  try {
    let obtained: { location: string; argument?: string };
    try {
      obtained = await acquireImageArchive(options, work.path, { graph, dockerfile });
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
    let roots: GivenRoot[] | undefined;
    if (options.trace) {
      const run = options.image.kind === 'reference' ? options.image : { kind: 'archive' as const, path: location };
      roots = (await traceProbe({ probe: options.trace.probe, image, run, network: options.trace.network, engine: traceEngine, tracer, onProgress: options.onProgress })).roots;
    }
    const analysis = await analyzeLoadedImage(image, {
      keep: options.keep,
      packageDatabase: options.packageDatabase,
      dockerfile: { text: options.dockerfile.text, file: options.dockerfile.file, target: options.target, buildArgs: options.buildArgs },
      roots,
      rules: options.trace?.only ? closureRules() : undefined,
      onProgress: options.onProgress,
    });
    const hasShell = hasSkeletonTools(image);
    const plan = await buildPlan(analysis, image.tree, { hasShell, hasCpParents: hasShell && (await hasGnuCp(image)) });
    const text = options.emitDockerfile === false ? undefined : emitDockerfile({ text: options.dockerfile.text, dockerfile, target: graph.target, plan, imageArgument: argument });
    handedOver = true;
    return { form: 'exact', text, analysis, plan, image, imageArgument: argument, close: work.remove };
  } finally {
    if (!handedOver) work.remove();
  }
}
