/**
 * Running the rules: parse the Dockerfile, resolve its stages, give each enabled rule its context, collect
 * what they report, drop what pragmas ignore, and sort. The caller (CLI or library user) obtains the image
 * analysis beforehand; this module does no I/O except reading `.dockerignore` through rules.
 */
import type { Analysis } from '../analyze';
import { parseDockerfile } from '../dockerfile';
import { isScratchifyError } from '../errors';
import { resolveStages } from '../stages';
import type { LayerWaste } from '../tree/layer-waste';
import type { FileTree } from '../tree/types';
import type { LintConfig } from './config';
import { baseImagePurpose, CommandIndex, finalLineage, locate, locateWord } from './dockerfile-context';
import { isSuppressed, readSuppressions, type Suppressions } from './pragmas';
import { ALL_RULES } from './rules';
import {
  SEVERITIES,
  type DockerfileLintContext,
  type DockerfileLintRule,
  type ImageLintRule,
  type Finding,
  type ImageSummary,
  type LintResult,
  type LintThresholds,
  type Location,
  type ReportDescriptor,
  type LintRule,
  type RuleMeta,
  type Severity,
} from './types';

/** The pseudo-rule of a Dockerfile that cannot be parsed: one error finding, and exit code 2. */
export const SYNTAX_RULE: RuleMeta = {
  id: 'dockerfile-syntax',
  kind: 'dockerfile',
  category: 'correctness',
  severity: 'error',
  description: 'The Dockerfile cannot be parsed the way BuildKit parses it.',
  rationale: 'A Dockerfile BuildKit rejects does not build; no other rule can judge it.',
  fix: 'Fix the syntax error at the reported location; `docker build` reports the same problem.',
};

export interface LintInput {
  /** The Dockerfile: its text and the name findings carry. */
  dockerfile?: { text: string; file: string };
  /** Build context directory (for `.dockerignore`); default: none known. */
  contextDir?: string;
  /** Whether the user named `contextDir` (`--context`), rather than it being the Dockerfile's directory by default. */
  contextGiven?: boolean;
  target?: string;
  buildArgs?: Record<string, string>;
  platform?: string;
  /** The built target image, analyzed. Enables the image rules. */
  image?: { source: string; analysis: Analysis; tree: FileTree };
  config?: LintConfig;
  /** Thresholds from the command line; they override the config file's. */
  thresholds?: LintThresholds;
  /** The rules to run (default: all). */
  rules?: readonly LintRule[];
}

const NO_WASTE: LayerWaste = { writtenBytes: 0, wastedBytes: 0, wastedFiles: 0, largest: [] };

function isDockerfileRule(rule: LintRule): rule is DockerfileLintRule {
  return rule.meta.kind === 'dockerfile';
}

function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Exit code of a lint run: 2 when the input could not be linted, 1 when a finding is at or above `failOn`. */
export function lintExitCode(result: LintResult, failOn: Severity = 'warning'): 0 | 1 | 2 {
  if (result.fatal) return 2;
  return result.findings.some((finding) => severityRank(finding.severity) <= severityRank(failOn)) ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

export function imageSummary(source: string, analysis: Analysis, waste: LayerWaste): ImageSummary {
  const { imageBytes, keptBytes } = analysis.totals;
  const unneededBytes = Math.max(0, imageBytes - keptBytes);
  return {
    source,
    imageBytes,
    keptBytes,
    unneededBytes,
    unneededPercent: imageBytes === 0 ? 0 : Math.round((unneededBytes / imageBytes) * 1000) / 10,
    layerWasteBytes: waste.wastedBytes,
    efficiency: waste.writtenBytes === 0 ? 1 : Math.round((1 - waste.wastedBytes / waste.writtenBytes) * 10000) / 10000,
  };
}

/** Lints a Dockerfile, an analyzed image, or both together. */
export function lint(input: LintInput): LintResult {
  const rules = input.rules ?? ALL_RULES;
  const config = input.config ?? { rules: {} };
  const thresholds: LintThresholds = {
    maxWastePercent: input.thresholds?.maxWastePercent ?? config.maxWastePercent,
    maxWasteBytes: input.thresholds?.maxWasteBytes ?? config.maxWasteBytes,
  };
  const file = input.dockerfile?.file ?? input.image?.source ?? '<input>';
  const findings: Finding[] = [];
  const severityOf = (meta: RuleMeta): Severity | undefined => {
    const setting = config.rules[meta.id];
    return setting === 'off' ? undefined : (setting ?? meta.severity);
  };
  const enabled = rules.filter((rule) => severityOf(rule.meta) !== undefined && (rule.meta.kind === 'dockerfile' ? input.dockerfile : input.image));
  const result: LintResult = { file, findings, rules: enabled.map((rule) => rule.meta), fatal: false };

  let dockerfileContext: DockerfileLintContext | undefined;
  let suppressions: Suppressions | undefined;
  let targetFrom: Omit<Location, 'file'> | undefined;
  if (input.dockerfile) {
    const lines = input.dockerfile.text.split(/\r?\n/);
    try {
      const { dockerfile } = parseDockerfile(input.dockerfile.text, { file: input.dockerfile.file });
      const graph = resolveStages(dockerfile, { target: input.target, buildArgs: input.buildArgs, platform: input.platform });
      suppressions = readSuppressions(dockerfile, lines);
      const stages = finalLineage(dockerfile, graph);
      const commands = new CommandIndex(dockerfile.stages, graph, lines, dockerfile.escape);
      dockerfileContext = {
        file: input.dockerfile.file,
        lines,
        dockerfile,
        graph,
        target: dockerfile.stages[graph.target],
        finalLineage: stages,
        finalBase: graph.stages[stages[0].index].base,
        contextDir: input.contextDir,
        contextGiven: input.contextGiven ?? false,
        baseImagePurpose: baseImagePurpose(input.dockerfile.file, stages, graph.stages[stages[0].index].base),
        commandsOf: (run) => commands.commandsOf(run),
        locateCommand: (run, command, argument) =>
          commands.locate(command, argument) ?? locateWord(lines, run, argument === undefined ? command.name : (command.args[argument] ?? command.name)) ?? locate(lines, run),
        report: () => undefined,
      };
      targetFrom = locate(lines, dockerfile.stages[graph.target].from);
    } catch (error) {
      if (!isScratchifyError(error) || (error.kind !== 'parse' && error.kind !== 'expand')) throw error;
      const { line, column } = error.location;
      findings.push({
        ruleId: SYNTAX_RULE.id,
        severity: 'error',
        message: error.message,
        location: { file, line: line ?? 1, column: column ?? 1, endLine: line ?? 1, endColumn: (lines[(line ?? 1) - 1]?.length ?? 0) + 1 },
        fix: SYNTAX_RULE.fix,
      });
      return { ...result, rules: [SYNTAX_RULE], fatal: true };
    }
  }

  const reporter = (meta: RuleMeta, severity: Severity) => (descriptor: ReportDescriptor): void => {
    const configured = config.rules[meta.id] !== undefined;
    const where = descriptor.location ?? (descriptor.instruction && dockerfileContext ? locate(dockerfileContext.lines, descriptor.instruction, descriptor.near) : meta.kind === 'image' ? targetFrom : undefined);
    if (suppressions && isSuppressed(suppressions, meta.id, where?.line)) return;
    findings.push({ ruleId: meta.id, severity: descriptor.severity ?? (configured ? undefined : descriptor.defaultSeverity) ?? severity, message: descriptor.message, location: { file, ...where }, fix: descriptor.fix ?? meta.fix, ...(descriptor.data ? { data: descriptor.data } : {}) });
  };

  const imageFacts = input.image && {
    analysis: input.image.analysis,
    tree: input.image.tree,
    kept: new Set(input.image.analysis.kept.map((kept) => kept.path)),
    layerWaste: input.image.tree.layerWaste?.() ?? NO_WASTE,
  };
  for (const rule of enabled) {
    const report = reporter(rule.meta, severityOf(rule.meta) as Severity);
    if (isDockerfileRule(rule)) {
      rule.check({ ...(dockerfileContext as DockerfileLintContext), report });
    } else if (imageFacts) {
      (rule as ImageLintRule).check({ ...imageFacts, thresholds, dockerfile: dockerfileContext, report });
    }
  }
  if (input.image && imageFacts) result.image = imageSummary(input.image.source, input.image.analysis, imageFacts.layerWaste);
  findings.sort(compareFindings);
  return result;
}
