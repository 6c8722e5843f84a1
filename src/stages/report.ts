/**
 * The `scratchify stages` report: the stage graph, what the target needs, and the target's runtime contract
 * as far as the Dockerfile shows it. Plain data, stable for `--json` consumers.
 */
import { parseDockerfile, type Dockerfile } from '../dockerfile';
import { resolveStages, type ResolveOptions } from './resolve';
import type { RuntimeContract, StageGraph } from './types';

export interface StageSummary {
  index: number;
  name?: string;
  /** `scratch`, an image reference, or `stage:<name|index>`. */
  base: string;
  platform?: string;
  line: number;
  needed: boolean;
  /** Stages this one needs (names where they have one, else indexes), and how. */
  dependsOn: { stage: string; via: 'from' | 'copy' | 'mount'; line: number }[];
  /** Images this stage reads: its base and `COPY --from=<image>`. */
  images: string[];
}

export interface StagesReport {
  file?: string;
  target: { index: number; name?: string };
  stages: StageSummary[];
  /** Stage labels (name or index) the target needs, in build order. */
  needed: string[];
  /** Stage labels BuildKit would skip for this target. */
  unused: string[];
  images: string[];
  contract: RuntimeContract;
  /** Parser warnings BuildKit prints but accepts. */
  warnings: { line: number; message: string }[];
}

function label(graph: StageGraph, index: number): string {
  return graph.stages[index].name ?? String(index);
}

export function stagesReport(dockerfile: Dockerfile, options: ResolveOptions = {}): StagesReport {
  const graph = resolveStages(dockerfile, options);
  const needed = new Set(graph.needed);
  return {
    file: dockerfile.file,
    target: { index: graph.target, name: graph.stages[graph.target].name },
    stages: graph.stages.map((stage) => ({
      index: stage.index,
      name: stage.name,
      base: stage.base.kind === 'stage' ? `stage:${label(graph, stage.base.index)}` : stage.base.kind === 'scratch' ? 'scratch' : stage.base.reference,
      platform: stage.platform,
      line: stage.line,
      needed: needed.has(stage.index),
      dependsOn: stage.dependencies.flatMap((d) => (d.stage === undefined ? [] : [{ stage: label(graph, d.stage), via: d.via, line: d.line }])),
      images: stage.dependencies.flatMap((d) => (d.image ? [d.image] : [])),
    })),
    needed: graph.needed.map((index) => label(graph, index)),
    unused: graph.unused.map((index) => label(graph, index)),
    images: graph.images,
    contract: graph.stages[graph.target].contract,
    warnings: dockerfile.warnings.map(({ line, message }) => ({ line, message })),
  };
}

/** Parse and report in one step. */
export function describeStages(text: string, options: ResolveOptions & { file?: string } = {}): StagesReport {
  const { dockerfile } = parseDockerfile(text, { file: options.file });
  return stagesReport(dockerfile, options);
}
