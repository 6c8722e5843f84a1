/**
 * Numbers the end-to-end suites measure, gathered across jest workers into one table at the end of the run
 * (`test/e2e/report.ts`, jest's globalTeardown): each suite writes its figures per sample into a folder
 * that globalSetup made, since workers share nothing but the file system.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SampleFigures {
  fatBytes?: number;
  slimBytes?: number;
  slimProbe?: 'pass' | 'FAIL';
  selfContainedBytes?: number;
  selfContainedProbe?: 'pass' | 'FAIL';
  keptBytes?: number;
  tracedBytes?: number;
  /** `scratchify lint` on the fat image: share of its bytes the analysis does not need, and findings. */
  unneededPercent?: number;
  fatLintFindings?: number;
  /** Size findings on the emitted slim Dockerfile (must be 0). */
  slimSizeFindings?: number;
}

export function resultsDir(): string {
  return process.env.SCRATCHIFY_RESULTS_DIR ?? join(tmpdir(), `scratchify-results-${process.ppid}`);
}

export function recordFigures(sample: string, source: string, figures: SampleFigures): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${sample}.${source}.json`), JSON.stringify(figures));
}

export function readFigures(dir = resultsDir()): Map<string, SampleFigures> {
  const bySample = new Map<string, SampleFigures>();
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return bySample;
  }
  for (const name of names.sort()) {
    const sample = name.split('.')[0];
    bySample.set(sample, { ...bySample.get(sample), ...(JSON.parse(readFileSync(join(dir, name), 'utf8')) as SampleFigures) });
  }
  return bySample;
}
