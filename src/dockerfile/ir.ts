/**
 * The typed intermediate representation of a Dockerfile: directives, global ARGs, stages, and one typed node
 * per instruction with every flag. Values are kept raw (unexpanded, quotes as written) so the printer can
 * reproduce them; `src/stages/` expands them with BuildKit's scoping rules.
 */
import type { Directive, EscapeChar, Heredoc } from './syntax';

/** 1-based position of an instruction in its file. Columns are of the keyword's first and the line's last character. */
export interface InstructionRange {
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
}

/** A `--name=value` flag (value undefined for a bare boolean `--link`). */
export interface Flag {
  name: string;
  value?: string;
  /** The flag word as it appeared, quotes removed (`--from=build`). */
  text: string;
}

/** One parsed `RUN --mount=…` (BuildKit commands_runmount.go). Keys are lower-cased; values raw. */
export interface MountSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target?: string;
  source?: string;
  from?: string;
  id?: string;
  readOnly: boolean;
  /** Every key=value as written, for what this model does not name. */
  options: Record<string, string>;
}

export type Keyword =
  | 'FROM' | 'RUN' | 'CMD' | 'ENTRYPOINT' | 'SHELL' | 'COPY' | 'ADD' | 'ENV' | 'ARG' | 'LABEL' | 'EXPOSE'
  | 'USER' | 'WORKDIR' | 'VOLUME' | 'HEALTHCHECK' | 'STOPSIGNAL' | 'ONBUILD' | 'MAINTAINER';

interface InstructionBase<K extends Keyword> {
  keyword: K;
  flags: Flag[];
  /** The joined logical line, as BuildKit's `Original`. */
  original: string;
  /** Comments directly above the instruction, without `#`. */
  comments: string[];
  range: InstructionRange;
}

/** A command in exec form (JSON array) or shell form (one string for the shell). */
export type CommandForm = { form: 'exec'; argv: string[] } | { form: 'shell'; script: string };

export interface FromInstruction extends InstructionBase<'FROM'> {
  image: string;
  /** Stage name as written; BuildKit compares stage names lower-cased. */
  stageName?: string;
  platform?: string;
}

export interface RunInstruction extends InstructionBase<'RUN'> {
  command: CommandForm;
  mounts: MountSpec[];
  network?: string;
  security?: string;
  heredocs: Heredoc[];
}

export interface CmdInstruction extends InstructionBase<'CMD'> {
  command: CommandForm;
}

export interface EntrypointInstruction extends InstructionBase<'ENTRYPOINT'> {
  command: CommandForm;
}

export interface ShellInstruction extends InstructionBase<'SHELL'> {
  argv: string[];
}

export interface CopyLikeFields {
  sources: string[];
  destination: string;
  /** Sources and destination written as a JSON array. */
  json: boolean;
  chown?: string;
  chmod?: string;
  link: boolean;
  exclude: string[];
  heredocs: Heredoc[];
}

export interface CopyInstruction extends InstructionBase<'COPY'>, CopyLikeFields {
  from?: string;
  parents: boolean;
}

export interface AddInstruction extends InstructionBase<'ADD'>, CopyLikeFields {
  checksum?: string;
  keepGitDir: boolean;
  unpack?: boolean;
}

/** `ENV k=v` pairs; `legacy` for the old `ENV k v…` form. Values raw: quotes and escapes as written. */
export interface KeyValue {
  key: string;
  value: string;
  legacy: boolean;
}

export interface EnvInstruction extends InstructionBase<'ENV'> {
  pairs: KeyValue[];
}

export interface LabelInstruction extends InstructionBase<'LABEL'> {
  pairs: KeyValue[];
}

export interface ArgDeclaration {
  name: string;
  /** Default as written (raw), undefined for `ARG NAME`. */
  defaultValue?: string;
}

export interface ArgInstruction extends InstructionBase<'ARG'> {
  args: ArgDeclaration[];
}

export interface ExposeInstruction extends InstructionBase<'EXPOSE'> {
  ports: string[];
}

export interface UserInstruction extends InstructionBase<'USER'> {
  user: string;
}

export interface WorkdirInstruction extends InstructionBase<'WORKDIR'> {
  path: string;
}

export interface VolumeInstruction extends InstructionBase<'VOLUME'> {
  paths: string[];
  json: boolean;
}

export interface HealthcheckInstruction extends InstructionBase<'HEALTHCHECK'> {
  /** NONE disables an inherited check; CMD runs `command`. */
  test: { kind: 'none' } | { kind: 'cmd'; command: CommandForm };
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number;
}

export interface StopsignalInstruction extends InstructionBase<'STOPSIGNAL'> {
  signal: string;
}

export interface OnbuildInstruction extends InstructionBase<'ONBUILD'> {
  trigger: Instruction;
}

export interface MaintainerInstruction extends InstructionBase<'MAINTAINER'> {
  name: string;
}

export type Instruction =
  | FromInstruction | RunInstruction | CmdInstruction | EntrypointInstruction | ShellInstruction | CopyInstruction
  | AddInstruction | EnvInstruction | LabelInstruction | ArgInstruction | ExposeInstruction | UserInstruction
  | WorkdirInstruction | VolumeInstruction | HealthcheckInstruction | StopsignalInstruction | OnbuildInstruction
  | MaintainerInstruction;

export interface Stage {
  /** Position among the stages, 0-based (what `COPY --from=0` names). */
  index: number;
  /** Lower-cased stage name, when the FROM has `AS name`. */
  name?: string;
  from: FromInstruction;
  /** The stage's instructions after FROM. */
  instructions: Instruction[];
}

/** Something BuildKit's typed layer would reject (unknown flag, bad arity, …), with where it is. */
export interface Problem {
  message: string;
  line: number;
  column: number;
}

export interface Dockerfile {
  file?: string;
  directives: Directive[];
  escape: EscapeChar;
  /** ARGs before the first FROM (BuildKit meta args): visible to FROM lines only. */
  globalArgs: ArgInstruction[];
  /**
   * Every instruction before the first FROM, in order. BuildKit accepts only ARG there; others are reported
   * as problems and kept here so a lenient parse still prints what it read.
   */
  preamble: Instruction[];
  stages: Stage[];
  /** Parser warnings BuildKit prints but accepts (empty continuation lines). */
  warnings: Problem[];
}
