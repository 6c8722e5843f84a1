/**
 * What a Dockerfile means once its variables are expanded with BuildKit's scoping rules: each stage's base,
 * its dependencies on other stages and images, and the runtime contract (the image config) the final stage
 * produces as far as the Dockerfile alone shows it.
 */

/** Where a stage starts from. */
export type StageBase =
  | { kind: 'scratch' }
  | { kind: 'image'; reference: string }
  | { kind: 'stage'; index: number };

export type DependencyKind = 'from' | 'copy' | 'mount';

/** One edge of the stage graph: this stage needs another stage (or an image) for `via`. */
export interface StageDependency {
  via: DependencyKind;
  /** Index of the stage needed, or undefined when the reference is an image. */
  stage?: number;
  /** Image reference when the source is not a stage (`COPY --from=nginx:1.25`). */
  image?: string;
  /** 1-based line of the instruction. */
  line: number;
}

export interface HealthcheckConfig {
  /** Docker's `Test`: `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", script]`. */
  test: string[];
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number;
}

/**
 * The image config a stage produces (the fields `docker inspect` shows under Config), with variables
 * expanded. Fields the Dockerfile does not set are absent; `inheritsFrom` names the base image whose own
 * config may fill them in at build time.
 */
export interface RuntimeContract {
  /** The external base image whose config the stage inherits, when there is one (not scratch, not a stage). */
  inheritsFrom?: string;
  env: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  /** How entrypoint and cmd were written, so an emitter can keep exec form. */
  entrypointForm?: 'exec' | 'shell';
  cmdForm?: 'exec' | 'shell';
  workdir?: string;
  user?: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal?: string;
  healthcheck?: HealthcheckConfig;
  shell?: string[];
  onBuild: string[];
}

/** A COPY or ADD with its words expanded and the destination made absolute (WORKDIR applied). */
export interface CopyRecord {
  keyword: 'COPY' | 'ADD';
  sources: string[];
  /** Absolute; a trailing `/` kept when written (it marks a directory). */
  destination: string;
  /** `--from` value (stage name, index or image), when given. */
  from?: string;
  chown?: string;
  chmod?: string;
  line: number;
}

export interface ResolvedStage {
  index: number;
  name?: string;
  base: StageBase;
  /** The FROM image text after expanding global ARGs. */
  baseName: string;
  platform?: string;
  dependencies: StageDependency[];
  contract: RuntimeContract;
  /** COPY/ADD of this stage and of the stages it is built FROM, oldest first: what the stage added. */
  copies: CopyRecord[];
  /** 1-based line of the FROM. */
  line: number;
}

export interface StageGraph {
  stages: ResolvedStage[];
  /** Index of the target stage (`--target`, else the last). */
  target: number;
  /** Stages the target needs, itself included, in build order (dependencies first). */
  needed: number[];
  /** Stages the target does not need: BuildKit skips them. */
  unused: number[];
  /** External images the needed stages pull (bases and `COPY --from=image`). */
  images: string[];
}
