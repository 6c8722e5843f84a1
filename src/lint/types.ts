/**
 * The lint model, after ESLint: a rule is metadata plus one `check` function that reports findings through
 * its context; formatters never see rules, only findings and the metadata of the rules that ran.
 *
 * Two kinds of rule: `dockerfile` rules read the typed IR and the stage graph (no image needed); `image`
 * rules read the built image's file tree and the run-time analysis of it.
 */
import type { Analysis } from '../analyze';
import type { Dockerfile, Instruction, RunInstruction, Stage } from '../dockerfile/ir';
import type { InvokedCommand } from '../shell';
import type { StageBase, StageGraph } from '../stages';
import type { LayerWaste } from '../tree/layer-waste';
import type { FileTree } from '../tree/types';

export type Severity = 'error' | 'warning' | 'info';

/** Severities from most to least severe; `--fail-on X` fails on X and everything before it. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type RuleKind = 'dockerfile' | 'image';

export type RuleCategory = 'size' | 'security' | 'reproducibility' | 'correctness';

export interface RuleMeta {
  /** Stable kebab-case id, used in pragmas, config and every output format. */
  id: string;
  kind: RuleKind;
  category: RuleCategory;
  /** Default severity; the config file can change it or turn the rule off. */
  severity: Severity;
  /** One line: what the rule finds. */
  description: string;
  /** Why it matters: a few sentences for the docs and SARIF's fullDescription. */
  rationale: string;
  /** How to fix a finding, in one or two sentences. */
  fix: string;
  /** Equivalent checks in other tools, so users can map their existing configuration. */
  related?: { buildkit?: string; hadolint?: string[]; other?: string[] };
  /** A short bad/good pair for the docs. */
  example?: { bad: string; good: string };
}

/**
 * Where a finding is. Lines and columns are 1-based; `endColumn` is exclusive (the column after the last
 * character), as SARIF and GitHub annotations count. Without `line` the finding is about the whole file.
 */
export interface Location {
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  location: Location;
  /** What to do about this finding (the rule's fix hint unless the rule has a more specific one). */
  fix: string;
  /** Numbers behind the finding (bytes, paths), for JSON consumers. */
  data?: Record<string, unknown>;
}

/** What a rule passes to `report`: the location is derived from the instruction unless given. */
export interface ReportDescriptor {
  message: string;
  /** The instruction the finding is about. */
  instruction?: Instruction;
  /** Text inside the instruction to point at (first occurrence on its lines); else the whole instruction. */
  near?: string;
  /** An explicit location, overriding `instruction`. */
  location?: Omit<Location, 'file'>;
  fix?: string;
  data?: Record<string, unknown>;
  /**
   * Overrides the configured severity; only for gates the user set (a waste threshold exceeded is an error
   * whatever the rule's usual severity).
   */
  severity?: Severity;
  /**
   * The severity of this finding when the config does not set the rule's: a rule that applies less here
   * (a base image's own Dockerfile judged by a final-image rule) reports lower than its default.
   */
  defaultSeverity?: Severity;
}

/** Thresholds a rule reads; set by the config file and the CLI. */
export interface LintThresholds {
  /** Unneeded image bytes, as a percentage of the image, above which `unneeded-bytes` is an error. */
  maxWastePercent?: number;
  /** Unneeded image bytes above which `unneeded-bytes` is an error. */
  maxWasteBytes?: number;
}

export interface DockerfileLintContext {
  file: string;
  /** The Dockerfile's lines, for locating text inside an instruction. */
  lines: readonly string[];
  dockerfile: Dockerfile;
  graph: StageGraph;
  /** The stage the image is built from (`--target`, else the last). */
  target: Stage;
  /**
   * Stages whose file system *is* the final image: the target and the stages it is built FROM, oldest
   * first. Size rules judge these; other stages only matter through what the final image copies from them.
   */
  finalLineage: readonly Stage[];
  /** Where the final image's file system starts: the base of `finalLineage[0]` (scratch or an external image). */
  finalBase: StageBase;
  /** The build context directory, when known (for `.dockerignore`). */
  contextDir?: string;
  /** True when the user named the context (`--context`); otherwise `contextDir` is the Dockerfile's directory, a guess. */
  contextGiven: boolean;
  /**
   * Why this Dockerfile looks like it builds a base image for other Dockerfiles rather than an image that
   * runs a program (no CMD or ENTRYPOINT, ONBUILD triggers, a base-image file name), or undefined. Rules
   * about the final image report such files at `info` unless the config sets their severity.
   */
  baseImagePurpose?: string;
  /** The commands a RUN executes, from the shell grammar (heredoc scripts included). */
  commandsOf(run: RunInstruction): readonly InvokedCommand[];
  /**
   * Where a command of a RUN is in the Dockerfile: its name, or its argument at index `argument` of
   * `command.args`. Falls back to the first occurrence of that word on the RUN's lines, then to the RUN.
   */
  locateCommand(run: RunInstruction, command: InvokedCommand, argument?: number): Omit<Location, 'file'>;
  report(descriptor: ReportDescriptor): void;
}

export interface ImageLintContext {
  /** The run-time analysis of the image (kept paths, totals, config). */
  analysis: Analysis;
  /** The image's merged file tree. */
  tree: FileTree;
  /** Paths the analysis keeps (the slim image's contents). */
  kept: ReadonlySet<string>;
  /** Bytes written by one layer and removed or replaced by a later one. */
  layerWaste: LayerWaste;
  thresholds: LintThresholds;
  /** The Dockerfile side, when the image was linted together with its Dockerfile. */
  dockerfile?: DockerfileLintContext;
  report(descriptor: ReportDescriptor): void;
}

export interface DockerfileLintRule {
  meta: RuleMeta & { kind: 'dockerfile' };
  check(context: DockerfileLintContext): void;
}

export interface ImageLintRule {
  meta: RuleMeta & { kind: 'image' };
  check(context: ImageLintContext): void;
}

export type LintRule = DockerfileLintRule | ImageLintRule;

/** Summary of an image lint: the numbers behind the image rules. */
export interface ImageSummary {
  /** What was linted: the archive path or image reference. */
  source: string;
  imageBytes: number;
  /** Bytes the analysis keeps: what `scratchify slim` would reach. */
  keptBytes: number;
  unneededBytes: number;
  unneededPercent: number;
  /** Bytes in layers that a later layer removed or replaced. */
  layerWasteBytes: number;
  /** 1 − layerWasteBytes / bytes of all layers, like dive's efficiency score. */
  efficiency: number;
}

export interface LintResult {
  /** The Dockerfile linted (as named on the command line), or the image when linting an image alone. */
  file: string;
  findings: Finding[];
  /** Metadata of every rule that ran, for formatters (SARIF's rules[]). */
  rules: RuleMeta[];
  /** Set when the input could not be parsed: the one finding is the parse error and the exit code is 2. */
  fatal: boolean;
  image?: ImageSummary;
}
