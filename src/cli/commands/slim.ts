/** `scratchify slim`: write the FROM-scratch Dockerfile (and, on request, the slim image itself). */
import { UsageError } from '../../errors';
import { writeImageArchive } from '../../emit/image-archive';
import { analysisJson } from '../../format/analysis-json';
import { slim } from '../../slim';
import { imageSource, parseBuildArgs, readDockerfile, type ImageSourceOptions } from '../inputs';
import { traceRequest, type TraceOptions } from '../trace-option';
import { writeFileAtomic } from '../output';
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
}

/** Runs slim; returns what goes to stdout (the Dockerfile when no -o is given). */
export async function runSlim(dockerfilePath: string, options: SlimCommandOptions): Promise<string> {
  const input = readDockerfile(dockerfilePath);
  const progress = createProgress();
  progress.start('slimming');
  try {
    const result = await slim({
      dockerfile: input,
      context: options.context,
      target: options.target,
      buildArgs: parseBuildArgs(options.buildArg),
      keep: options.keep,
      image: imageSource(options) ?? { kind: 'auto' },
      trace: traceRequest(options),
      onProgress: (message) => progress.start(message),
    });
    if (result.form === 'self-contained') {
      if (options.ociArchive || options.dockerArchive) throw new UsageError('--oci-archive and --docker-archive need an analyzed image; no container engine was found and no --image-archive given');
      if (options.report) throw new UsageError('--report needs an analyzed image; no container engine was found and no --image-archive given');
      if (options.output) writeFileAtomic(options.output, result.text);
      progress.succeed();
      process.stderr.write('scratchify: no container engine found: wrote the self-contained form, which decides what to keep while it builds (see README, "Without an engine")\n');
      return options.output ? '' : result.text;
    }
    // Outputs are written only after everything succeeded, each atomically.
    for (const [format, output] of [['oci', options.ociArchive], ['docker', options.dockerArchive]] as const) {
      if (!output) continue;
      progress.start(`writing the slim image to ${output}`);
      const written = await writeImageArchive({ tree: result.image.tree, kept: result.analysis.kept, config: result.image.config, format, output, reference: options.tag });
      for (const skipped of written.skipped) process.stderr.write(`scratchify: ${output}: left out ${skipped}\n`);
    }
    if (options.report) {
      writeFileAtomic(options.report, `${JSON.stringify({ ...analysisJson(result.analysis), plan: result.plan }, null, 2)}\n`);
    }
    if (options.output) writeFileAtomic(options.output, result.text);
    const t = result.analysis.totals;
    progress.succeed(`kept ${(t.keptBytes / 1e6).toFixed(1)} MB of ${(t.imageBytes / 1e6).toFixed(1)} MB`);
    return options.output ? '' : result.text;
  } catch (error) {
    progress.fail();
    throw error;
  }
}
