/**
 * The measured side of the benchmark, run as its own process so its peak RSS is its own (not the generator's
 * or the parent's): `analyzeImage` on the archive (with the `--keep` globs given after it), then one JSON line with what was found and the peak RSS.
 */
import { analyzeImage } from '../../src/analyze';

/** What one measured analysis reports to the parent. */
export interface AnalysisMeasurement {
  /** Milliseconds inside the process, from before `analyzeImage` to after it. */
  innerMs: number;
  /** CPU time of the whole process, worker threads included (user + system), in milliseconds. */
  cpuMs: number;
  /** Peak resident set size in KiB (getrusage `ru_maxrss`). */
  maxRssKiB: number;
  command: string[];
  keptFiles: number;
  keptPaths: string[];
}

async function main(archive: string, keep: string[]): Promise<void> {
  const started = process.hrtime.bigint();
  const analysis = await analyzeImage(archive, { keep });
  const innerMs = Number(process.hrtime.bigint() - started) / 1e6;
  const keptFiles = analysis.kept.filter((kept) => kept.type === 'file' || kept.type === 'hardlink');
  const measurement: AnalysisMeasurement = {
    innerMs,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
    command: analysis.command,
    keptFiles: keptFiles.length,
    keptPaths: keptFiles.map((kept) => kept.path),
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

main(process.argv[2], process.argv.slice(3)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
