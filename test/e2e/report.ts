/**
 * jest globalSetup/globalTeardown: a folder for the suites' figures, and at the end the table the slim
 * issue asks for — sample, fat MB, slim MB, traced working set MB, slim/working-set ratio, probe results —
 * and what `scratchify lint` measured on the fat image and found on the emitted Dockerfile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFigures } from '../support/results';

export async function setup(): Promise<void> {
  process.env.SCRATCHIFY_RESULTS_DIR = mkdtempSync(join(tmpdir(), 'scratchify-results-'));
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? '-' : (bytes / 1e6).toFixed(1));

export async function teardown(): Promise<void> {
  const dir = process.env.SCRATCHIFY_RESULTS_DIR;
  if (!dir) return;
  const figures = readFigures(dir);
  if (figures.size > 0) {
    const rows = [...figures].map(([sample, f]) => {
      const ratio = f.slimBytes !== undefined && f.tracedBytes ? (f.slimBytes / f.tracedBytes).toFixed(2) : '-';
      const count = (value: number | undefined): string => (value === undefined ? '-' : String(value));
      return [
        sample, mb(f.fatBytes), mb(f.slimBytes), mb(f.tracedBytes), ratio, f.slimProbe ?? '-', mb(f.selfContainedBytes), f.selfContainedProbe ?? '-',
        f.unneededPercent === undefined ? '-' : `${f.unneededPercent}%`, count(f.fatLintFindings), count(f.slimSizeFindings),
      ];
    });
    const header = ['sample', 'fat MB', 'slim MB', 'traced MB', 'slim/traced', 'probe', 'no-engine MB', 'probe', 'lint: unneeded', 'findings', 'slim size findings'];
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
    process.stdout.write(`\nslim images against the fat ones and the traced working set:\n${line(header)}\n${rows.map(line).join('\n')}\n`);
  }
  rmSync(dir, { recursive: true, force: true });
}
