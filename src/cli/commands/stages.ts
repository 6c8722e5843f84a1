/** `scratchify stages`: the stage graph report, as text or JSON. */
import { formatStagesText } from '../../format/stages-text';
import { describeStages } from '../../stages';
import { parseBuildArgs, readDockerfile } from '../inputs';

export interface StagesOptions {
  target?: string;
  buildArg: string[];
  platform?: string;
  json?: boolean;
}

export function runStages(path: string, options: StagesOptions): string {
  const input = readDockerfile(path);
  const report = describeStages(input.text, {
    file: input.file,
    target: options.target,
    buildArgs: parseBuildArgs(options.buildArg),
    platform: options.platform,
  });
  return options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStagesText(report);
}
