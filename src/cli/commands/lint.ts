/** `scratchify lint`: findings about a Dockerfile and its image, in the format CI systems read. */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../errors';
import { findConfigFile, loadConfig, parseByteSize, parsePercent, isSeverity, type LintConfig } from '../../lint/config';
import { FORMATS, formatResult, type FormatName } from '../../lint/formatters';
import { lintProject, type LintProjectOptions } from '../../lint/lint-project';
import { lintExitCode } from '../../lint/linter';
import { ALL_RULES } from '../../lint/rules';
import { SEVERITIES, type LintResult, type Severity } from '../../lint/types';
import { VERSION } from '../../version';
import { OutputSet, type StagedOutput } from '../../output';
import { imageSource, parseBuildArgs, readDockerfile, type ImageSourceOptions } from '../inputs';
import { createProgress } from '../progress';

export interface LintCommandOptions extends ImageSourceOptions {
  target?: string;
  buildArg: string[];
  keep: string[];
  context?: string;
  format: string;
  output?: string;
  config?: string;
  failOn?: string;
  maxWastePercent?: string;
  maxWasteBytes?: string;
  listRules?: boolean;
  /** False with `--no-package-db`. */
  packageDb?: boolean;
}

function formatName(value: string): FormatName {
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format ${value}: expected one of ${FORMATS.join(', ')}`);
  return value as FormatName;
}

function failOn(value: string | undefined, config: LintConfig): Severity {
  if (value === undefined) return config.failOn ?? 'warning';
  if (!isSeverity(value)) throw new UsageError(`--fail-on ${value}: expected one of ${SEVERITIES.join(', ')}`);
  return value;
}

function readConfig(options: LintCommandOptions, dockerfileFile: string | undefined): LintConfig {
  const known = new Set(ALL_RULES.map((rule) => rule.meta.id));
  if (options.config) {
    if (!existsSync(options.config)) throw new UsageError(`--config ${options.config}: no such file`);
    return loadConfig(options.config, known);
  }
  const start = dockerfileFile && dockerfileFile !== '<stdin>' ? dirname(dockerfileFile) : process.cwd();
  const found = findConfigFile(start);
  return found ? loadConfig(found, known) : { rules: {} };
}

function listRules(): string {
  const width = Math.max(...ALL_RULES.map((rule) => rule.meta.id.length));
  return ALL_RULES.map(({ meta }) => `${meta.id.padEnd(width)}  ${meta.kind.padEnd(10)}  ${meta.severity.padEnd(7)}  ${meta.description}`).join('\n') + '\n';
}

/** Runs lint; returns what goes to stdout and the exit code. The report is checked first and written whole (src/output/). */
export async function runLint(dockerfilePath: string | undefined, options: LintCommandOptions): Promise<{ output: string; code: number }> {
  if (options.listRules) return { output: listRules(), code: 0 };
  const format = formatName(options.format);
  const image = imageSource(options);
  const maxWastePercent = options.maxWastePercent === undefined ? undefined : parsePercent(options.maxWastePercent);
  if (options.maxWastePercent !== undefined && maxWastePercent === undefined) throw new UsageError(`--max-waste-percent ${options.maxWastePercent}: expected a number from 0 to 100`);
  const maxWasteBytes = options.maxWasteBytes === undefined ? undefined : parseByteSize(options.maxWasteBytes);
  if (options.maxWasteBytes !== undefined && maxWasteBytes === undefined) throw new UsageError(`--max-waste-bytes ${options.maxWasteBytes}: expected a byte count such as 50000000 or 50MB`);
  // Without a path, ./Dockerfile is linted when it exists; an image alone can be linted without one.
  const path = dockerfilePath ?? (existsSync('Dockerfile') || !image ? 'Dockerfile' : undefined);
  const dockerfile = path === undefined ? undefined : readDockerfile(path);
  const config = readConfig(options, dockerfile?.file);
  const threshold = failOn(options.failOn, config);
  const context = options.context ?? (dockerfile && dockerfile.file !== '<stdin>' ? dirname(dockerfile.file) : undefined);

  const outputs = OutputSet.open([{ option: '-o', path: options.output ?? '-', stdout: true }]);
  try {
    const result = await lintWithProgress(options, { dockerfile, image, context, contextGiven: options.context !== undefined, config, thresholds: { maxWastePercent, maxWasteBytes } }, format);
    const color = format === 'text' && (options.output ?? '-') === '-' && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !process.env.CI;
    const sources = dockerfile ? new Map([[dockerfile.file, dockerfile.text]]) : undefined;
    (outputs.get('-o') as StagedOutput).write(formatResult(format, result, { color, cwd: process.cwd(), toolVersion: VERSION, sources }));
    return { output: outputs.commit().toString(), code: lintExitCode(result, threshold) };
  } finally {
    outputs.discard();
  }
}

/** `lintProject`, with a spinner when an image is analyzed for the text format on a terminal. */
async function lintWithProgress(options: LintCommandOptions, project: LintProjectOptions, format: FormatName): Promise<LintResult> {
  const progress = createProgress(project.image !== undefined && format === 'text' ? undefined : false);
  if (project.image) progress.start('linting');
  try {
    const result = await lintProject({
      ...project,
      target: options.target,
      buildArgs: parseBuildArgs(options.buildArg),
      keep: options.keep,
      packageDatabase: options.packageDb !== false,
      onProgress: (message) => progress.start(message),
    });
    progress.succeed('linted');
    return result;
  } catch (error) {
    progress.fail();
    throw error;
  }
}
