/**
 * `scratchify verify`: does the slim image behave like the fat one? Both images are obtained (built, loaded or
 * generated as needed), every check of the probe runs on each through the local engine, and the two runtime
 * contracts are compared. Everything the run creates in the engine is removed at the end, also on SIGINT/SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDockerfile } from '../dockerfile';
import { ScratchifyError, UsageError } from '../errors';
import { findEngine, type Engine } from '../image/engine';
import {
  ContainerSession,
  checkLabel,
  firstDifference,
  healthcheckProbe,
  openNetwork,
  resourceName,
  runCheck,
  runtimeOf,
  loadImageArchive,
  requireImage,
  type ProbeFile,
} from '../probe';
import { temporaryDirectory } from '../output';
import { acquireImageArchive, slim } from '../slim';
import { resolveStages } from '../stages';
import { compareContracts, contractOf, provenRewrites, type AccountFiles } from './contract';
import { verdictOf, type CheckComparison, type VerifyReport } from './report';

/** Where the fat image comes from. */
export type FatImageSource = { kind: 'reference'; reference: string } | { kind: 'archive'; path: string } | { kind: 'build' };

/**
 * Where the slim image comes from; `generate` runs `slim` on the fat image and builds what it writes. An image
 * the engine has may come with the text of the slim Dockerfile it was built from, for its proven rewrites.
 */
export type SlimImageSource =
  | { kind: 'reference'; reference: string; dockerfileText?: string }
  | { kind: 'dockerfile'; path: string; text: string }
  | { kind: 'generate' };

export interface VerifyOptions {
  /** The Dockerfile that builds the fat image: needed to build it, and to generate the slim one. */
  dockerfile?: { text: string; file: string };
  /** Build context of the Dockerfile (default: its directory); the slim Dockerfile builds in it too. */
  context?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** `--keep` globs for a generated slim Dockerfile. */
  keep?: string[];
  fat: FatImageSource;
  slim: SlimImageSource;
  /** Without one, the fat image's HEALTHCHECK is the check. */
  probe?: ProbeFile;
  /** `host`, `none` or a network name; default a network made for the run (see src/probe/network.ts). */
  network?: string;
  /** Inject an engine (tests); default `findEngine()`. `null` means none. */
  engine?: Engine | null;
  onProgress?: (message: string) => void;
}

/** Reads /etc/passwd and /etc/group of an image without running it. */
async function accountsOf(session: ContainerSession, image: string): Promise<AccountFiles> {
  const read = async (path: string): Promise<string> => (await session.runtime.readImageFile(image, path))?.toString('utf8') ?? '';
  return { passwd: await read('/etc/passwd'), group: await read('/etc/group') };
}

export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const engine = options.engine === undefined ? await findEngine() : options.engine;
  const runtime = runtimeOf(engine);
  if (!engine) throw new ScratchifyError('engine', 'no container engine found');
  const needsDockerfile = options.fat.kind === 'build' || options.slim.kind === 'generate';
  if (needsDockerfile && !options.dockerfile) {
    throw new UsageError(options.fat.kind === 'build' ? '--build needs the Dockerfile' : 'without --slim-image or --slim-dockerfile, verify runs slim on the Dockerfile: give its path');
  }
  const session = new ContainerSession(runtime);
  const temporary = temporaryDirectory('scratchify-verify-');
  const work = temporary.path;
  try {
    const progress = options.onProgress ?? (() => undefined);
    const parsed = options.dockerfile ? parseDockerfile(options.dockerfile.text, { file: options.dockerfile.file }).dockerfile : undefined;
    const graph = parsed ? resolveStages(parsed, { target: options.target, buildArgs: options.buildArgs }) : undefined;
    const acquire = { dockerfile: options.dockerfile, context: options.context, buildArgs: options.buildArgs, engine, onProgress: progress };

    // The fat image, runnable; and as an archive when the slim Dockerfile is to be generated from it.
    let fatArchive: string | undefined;
    let fatImage: string;
    if (options.fat.kind === 'reference') {
      fatImage = await requireImage(session, options.fat.reference);
      if (options.slim.kind === 'generate') fatArchive = (await acquireImageArchive({ ...acquire, image: options.fat }, work)).location;
    } else {
      fatArchive = (await acquireImageArchive({ ...acquire, image: options.fat }, work, parsed && graph ? { dockerfile: parsed, graph } : undefined)).location;
      progress(`loading the fat image into ${runtime.name}`);
      fatImage = await loadImageArchive(session, fatArchive);
    }

    // The slim image, runnable, and its Dockerfile's text when there is one (for the proven exec-form rewrites).
    let slimImage: string;
    let slimText: string | undefined;
    if (options.slim.kind === 'reference') {
      slimImage = await requireImage(session, options.slim.reference);
      slimText = options.slim.dockerfileText;
    } else {
      let slimFile: string;
      if (options.slim.kind === 'dockerfile') {
        slimFile = options.slim.path;
        slimText = options.slim.text;
      } else {
        const dockerfile = options.dockerfile as { text: string; file: string };
        progress('slimming the fat image');
        const result = await slim({ dockerfile, target: options.target, buildArgs: options.buildArgs, keep: options.keep, image: { kind: 'archive', path: fatArchive as string }, engine, onProgress: progress });
        if (result.form !== 'exact') throw new ScratchifyError('engine', 'slim wrote the self-contained form, which cannot be verified against this image');
        // slim emits the Dockerfile unless told not to (emitDockerfile: false), which this call does not.
        const text = result.text as string;
        slimText = text;
        slimFile = join(work, 'Dockerfile.slim');
        writeFileSync(slimFile, text);
      }
      const context = options.context ?? (options.dockerfile && options.dockerfile.file !== '<stdin>' ? dirname(options.dockerfile.file) : dirname(options.slim.kind === 'dockerfile' ? options.slim.path : slimFile));
      const tag = session.image(`${resourceName('verify')}:slim`);
      progress(`building the slim image with ${engine.name}`);
      await engine.build({ context, dockerfile: slimFile, buildArgs: options.buildArgs ?? {}, tag }, (line) => progress(`${engine.name} build: ${line.slice(0, 100)}`));
      slimImage = await requireImage(session, tag);
    }

    const fatInspect = await session.runtime.inspectImage(fatImage);
    const slimInspect = await session.runtime.inspectImage(slimImage);
    if (!fatInspect || !slimInspect) throw new ScratchifyError('engine', 'an image disappeared from the engine during the run');
    const fatContract = contractOf(fatInspect);
    const probe =
      options.probe ??
      healthcheckProbe(fatContract.healthcheck ? { Test: fatContract.healthcheck.test, StartPeriod: fatContract.healthcheck.startPeriod } : undefined, shellOf(fatInspect), "the image's HEALTHCHECK");
    if (!probe) throw new UsageError('no --probe given and the image has no HEALTHCHECK to run instead');

    const network = await openNetwork(session, options.network);
    const environment = { session, network };
    const checks: CheckComparison[] = [];
    for (const [index, check] of probe.checks.entries()) {
      progress(`check ${index + 1} of ${probe.checks.length} on the fat image`);
      const fat = await runCheck(environment, fatImage, check);
      progress(`check ${index + 1} of ${probe.checks.length} on the slim image`);
      const slimOutcome = await runCheck(environment, slimImage, check);
      const difference = slimOutcome.ok ? undefined : (firstDifference(fat.observation, slimOutcome.observation) ?? 'none seen in exit code, output, status or body');
      checks.push({ index: index + 1, label: checkLabel(check), kind: check.kind, fat, slim: slimOutcome, difference });
    }
    const contract = await compareContracts(fatContract, contractOf(slimInspect), {
      rewrites: slimText === undefined ? [] : provenRewrites(slimText),
      accounts: async () => ({ fat: await accountsOf(session, fatImage), slim: await accountsOf(session, slimImage) }),
    });
    const describe = (source: FatImageSource | SlimImageSource, id: string): string => {
      const short = id.slice(0, 12);
      if (source.kind === 'reference') return `${source.reference} (${short})`;
      if (source.kind === 'archive') return `${source.path} (${short})`;
      if (source.kind === 'dockerfile') return `built from ${source.path} (${short})`;
      return source.kind === 'build' ? `built from ${options.dockerfile?.file} (${short})` : `generated by slim and built (${short})`;
    };
    return {
      probe: probe.source,
      engine: runtime.name,
      images: { fat: describe(options.fat, fatImage), slim: describe(options.slim, slimImage) },
      checks,
      contract,
      ...verdictOf(checks, contract),
    };
  } finally {
    await session.close();
    temporary.remove();
  }
}

function shellOf(inspected: Record<string, unknown>): string[] | undefined {
  const config = inspected.Config as { Shell?: unknown } | undefined;
  return Array.isArray(config?.Shell) ? config.Shell.map(String) : undefined;
}
