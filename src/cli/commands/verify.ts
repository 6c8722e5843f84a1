/** `scratchify verify`: run the probe on the fat and the slim image and compare; exit 0 same, 1 differs, 2 error. */
import { existsSync } from 'node:fs';
import { UsageError } from '../../errors';
import { readProbeFile } from '../../probe';
import { formatVerifyText, verify, verifyJson, type FatImageSource, type SlimImageSource } from '../../verify';
import { imageSource, parseBuildArgs, readDockerfile, type ImageSourceOptions } from '../inputs';
import { createProgress } from '../progress';

export interface VerifyCommandOptions extends ImageSourceOptions {
  probe?: string;
  slimImage?: string;
  slimDockerfile?: string;
  target?: string;
  buildArg: string[];
  keep: string[];
  context?: string;
  network?: string;
  format: 'text' | 'json';
}

export async function runVerify(dockerfilePath: string | undefined, options: VerifyCommandOptions): Promise<{ output: string; code: number }> {
  const probe = options.probe === undefined ? undefined : readProbeFile(options.probe);
  const chosen = imageSource(options);
  const path = dockerfilePath ?? (existsSync('Dockerfile') ? 'Dockerfile' : undefined);
  // Without a fat image source, the Dockerfile's target is built: verify builds what is missing.
  const fat: FatImageSource = chosen ?? { kind: 'build' };
  const slimDockerfile = options.slimDockerfile === undefined ? undefined : readDockerfile(options.slimDockerfile);
  // With --slim-image, --slim-dockerfile is the Dockerfile it was built from: read for its proven rewrites, not built.
  const slim: SlimImageSource = options.slimImage
    ? { kind: 'reference', reference: options.slimImage, dockerfileText: slimDockerfile?.text }
    : slimDockerfile
      ? { kind: 'dockerfile', path: slimDockerfile.file, text: slimDockerfile.text }
      : { kind: 'generate' };
  const needsDockerfile = fat.kind === 'build' || slim.kind === 'generate';
  if (needsDockerfile && path === undefined) {
    throw new UsageError('no Dockerfile: give its path to build the fat image or generate the slim one, or use --image/--image-archive with --slim-image/--slim-dockerfile');
  }
  const dockerfile = needsDockerfile || dockerfilePath !== undefined ? readDockerfile(path) : undefined;
  const progress = createProgress();
  progress.start('verifying');
  try {
    const report = await verify({
      dockerfile,
      context: options.context,
      target: options.target,
      buildArgs: parseBuildArgs(options.buildArg),
      keep: options.keep,
      fat,
      slim,
      probe,
      network: options.network,
      onProgress: (message) => progress.start(message),
    });
    progress.succeed();
    const output = options.format === 'json' ? `${JSON.stringify(verifyJson(report), null, 2)}\n` : formatVerifyText(report);
    return { output, code: report.exitCode };
  } catch (error) {
    progress.fail();
    throw error;
  }
}
