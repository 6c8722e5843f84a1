/** `scratchify analyze` and `scratchify why`: what the final stage needs at run time, and why. */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzeImage, analyzeLoadedImage, closureRules, explain, type Analysis } from '../../analyze';
import { UsageError } from '../../errors';
import { formatAnalysisText, formatExplanationText } from '../../format/analysis-text';
import { analysisJson } from '../../format/analysis-json';
import { cycloneDxSbom } from '../../format/sbom-cyclonedx';
import { openImage } from '../../image';
import { OutputSet, type StagedOutput } from '../../output';
import { traceProbe } from '../../trace';
import { createProgress } from '../progress';
import { parseBuildArgs, readDockerfile } from '../inputs';
import { traceRequest, type TraceOptions } from '../trace-option';

export interface ImageInputOptions extends TraceOptions {
  imageArchive?: string;
  rootfs?: string;
  target?: string;
  buildArg: string[];
  keep: string[];
  json?: boolean;
  /** False with `--no-package-db`. */
  packageDb?: boolean;
}

function imageLocation(options: ImageInputOptions): string {
  if (options.imageArchive && options.rootfs) throw new UsageError('give either --image-archive or --rootfs, not both');
  const location = options.imageArchive ?? options.rootfs;
  if (!location) throw new UsageError('no image given: use --image-archive FILE (docker save, OCI archive or layout) or --rootfs DIR');
  return location;
}

async function runAnalysis(dockerfilePath: string | undefined, options: ImageInputOptions): Promise<Analysis> {
  const location = imageLocation(options);
  // The Dockerfile is optional: without one, the application is whatever the entrypoint leads to.
  const path = dockerfilePath ?? (existsSync('Dockerfile') ? 'Dockerfile' : undefined);
  const input = path === undefined ? undefined : readDockerfile(path);
  const trace = traceRequest(options);
  if (trace && !options.imageArchive) throw new UsageError('--trace runs the image, so it needs --image-archive (a root filesystem has no config to run)');
  const progress = createProgress();
  progress.start(`analyzing ${location}`);
  try {
    const analysisOptions = {
      keep: options.keep,
      packageDatabase: options.packageDb !== false,
      dockerfile: input && { text: input.text, file: input.file, target: options.target, buildArgs: parseBuildArgs(options.buildArg) },
      onProgress: (message: string) => progress.start(message),
    };
    let analysis: Analysis;
    if (trace) {
      const image = await openImage(location);
      const traced = await traceProbe({ probe: trace.probe, image, run: { kind: 'archive', path: location }, network: trace.network, onProgress: analysisOptions.onProgress });
      analysis = await analyzeLoadedImage(image, { ...analysisOptions, roots: traced.roots, rules: trace.only ? closureRules() : undefined });
    } else {
      analysis = await analyzeImage(location, analysisOptions);
    }
    progress.succeed(`analyzed ${location}`);
    return analysis;
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/**
 * Runs the analysis; returns what goes to standard output. With `--sbom`, both outputs are checked before the
 * image is read and written all or nothing (src/output/).
 */
export async function runAnalyze(dockerfile: string | undefined, options: ImageInputOptions & { sbom?: string }): Promise<string> {
  if (options.sbom === undefined) {
    const analysis = await runAnalysis(dockerfile, options);
    return options.json ? `${JSON.stringify(analysisJson(analysis), null, 2)}\n` : formatAnalysisText(analysis);
  }
  const outputs = OutputSet.open([
    { option: 'standard output', path: '-', stdout: true },
    { option: '--sbom', path: options.sbom, stdout: true },
  ]);
  try {
    const analysis = await runAnalysis(dockerfile, options);
    (outputs.get('standard output') as StagedOutput).write(options.json ? `${JSON.stringify(analysisJson(analysis), null, 2)}\n` : formatAnalysisText(analysis));
    (outputs.get('--sbom') as StagedOutput).write(cycloneDxSbom(analysis, basename(imageLocation(options))));
    return outputs.commit().toString();
  } finally {
    outputs.discard();
  }
}

export async function runWhy(paths: string[], options: ImageInputOptions & { dockerfile?: string }): Promise<{ output: string; allKept: boolean }> {
  const analysis = await runAnalysis(options.dockerfile, options);
  const explanations = paths.map((path) => explain(analysis, path.startsWith('/') ? path : `/${path}`));
  const output = options.json ? `${JSON.stringify(explanations, null, 2)}\n` : explanations.map(formatExplanationText).join('\n');
  return { output, allKept: explanations.every((explanation) => explanation.kept) };
}
