/** `scratchify slim`: write the FROM-scratch Dockerfile (and, on request, the slim image itself). */
import { UsageError } from '../../errors';
import { produceImageArchive } from '../../emit/image-archive';
import { analysisJson, planJson } from '../../format/analysis-json';
import { printable } from '../../format/printable';
import { cycloneDxSbom } from '../../format/sbom-cyclonedx';
import { OutputSet, type OutputTarget, type StagedOutput } from '../../output';
import { slim } from '../../slim';
import { imageSource, parseBuildArgs, readDockerfile, type ImageSourceOptions } from '../inputs';
import { traceRequest, type TraceOptions } from '../trace-option';
import { createProgress } from '../progress';

export interface SlimCommandOptions extends ImageSourceOptions, TraceOptions {
  target?: string;
  buildArg: string[];
  keep: string[];
  output?: string;
  report?: string;
  context?: string;
  ociArchive?: string;
  dockerArchive?: string;
  tag?: string;
  sbom?: string;
  /** False with `--no-package-db`. */
  packageDb?: boolean;
}

/** True when only image archives were asked for: then no Dockerfile is written (or printed). */
function archivesOnly(options: SlimCommandOptions): boolean {
  return options.output === undefined && (options.ociArchive !== undefined || options.dockerArchive !== undefined);
}

/**
 * The files slim writes: the Dockerfile (standard output without `-o`, or with `-o -`; not at all when only
 * archives are asked for), the report, the archives.
 */
function outputTargets(options: SlimCommandOptions): OutputTarget[] {
  const targets: OutputTarget[] = archivesOnly(options) ? [] : [{ option: '-o', path: options.output ?? '-', stdout: true }];
  if (options.report !== undefined) targets.push({ option: '--report', path: options.report, stdout: true });
  if (options.ociArchive !== undefined) targets.push({ option: '--oci-archive', path: options.ociArchive });
  if (options.dockerArchive !== undefined) targets.push({ option: '--docker-archive', path: options.dockerArchive });
  if (options.sbom !== undefined) targets.push({ option: '--sbom', path: options.sbom, stdout: true });
  return targets;
}

/**
 * Runs slim; returns what goes to standard output. Every output is checked before the work starts and
 * written only when all of them are complete (src/output/).
 */
export async function runSlim(dockerfilePath: string, options: SlimCommandOptions): Promise<string> {
  const input = readDockerfile(dockerfilePath);
  const outputs = OutputSet.open(outputTargets(options));
  const progress = createProgress();
  progress.start('slimming');
  let release: (() => void) | undefined;
  try {
    const result = await slim({
      dockerfile: input,
      context: options.context,
      target: options.target,
      buildArgs: parseBuildArgs(options.buildArg),
      keep: options.keep,
      packageDatabase: options.packageDb !== false,
      image: imageSource(options) ?? { kind: 'auto' },
      trace: traceRequest(options),
      emitDockerfile: !archivesOnly(options),
      onProgress: (message) => progress.start(message),
    });
    if (result.form === 'self-contained') {
      if (options.ociArchive || options.dockerArchive) throw new UsageError('--oci-archive and --docker-archive need an analyzed image; no container engine was found and no --image-archive given');
      if (options.sbom) throw new UsageError('--sbom needs an analyzed image; no container engine was found and no --image-archive given');
      if (options.report) throw new UsageError('--report needs an analyzed image; no container engine was found and no --image-archive given');
      (outputs.get('-o') as StagedOutput).write(result.text);
      const stdout = outputs.commit();
      progress.succeed();
      process.stderr.write('scratchify: no container engine found: wrote the self-contained form, which decides what to keep while it builds (see README, "Without an engine")\n');
      return stdout.toString();
    }
    release = result.close;
    const skipped: string[] = [];
    for (const [format, option] of [['oci', '--oci-archive'], ['docker', '--docker-archive']] as const) {
      const output = outputs.get(option);
      if (!output) continue;
      progress.start(`writing the slim image to ${output.path}`);
      const written = await produceImageArchive(output, { tree: result.image.tree, kept: result.analysis.kept, synthesized: result.plan.synthesized, config: result.image.config, format, reference: options.tag });
      skipped.push(...written.skipped.map((what) => `${output.path}: left out ${what}`));
    }
    outputs.get('--report')?.write(`${JSON.stringify({ ...analysisJson(result.analysis), plan: planJson(result.plan) }, null, 2)}\n`);
    outputs.get('--sbom')?.write(cycloneDxSbom(result.analysis, options.tag ?? 'slim'));
    if (result.text !== undefined) (outputs.get('-o') as StagedOutput).write(result.text);
    const stdout = outputs.commit();
    const t = result.analysis.totals;
    progress.succeed(`kept ${(t.keptBytes / 1e6).toFixed(1)} MB of ${(t.imageBytes / 1e6).toFixed(1)} MB`);
    for (const line of skipped) process.stderr.write(`scratchify: ${printable(line)}\n`);
    return stdout.toString();
  } catch (error) {
    progress.fail();
    throw error;
  } finally {
    outputs.discard();
    release?.();
  }
}
