/**
 * `slim --trace` against the strace oracle, for every sample: the oracle (test/support/working-set.ts) runs the
 * sample's probe chroot'ed in the exported image under the host's strace and lists the image's regular files the
 * run used. The product's trace runs the same probe in the engine, on the image itself. Then:
 * - `--trace` keeps every file the oracle saw used (a superset: static closure plus trace);
 * - `--trace-only` keeps at most 1.1× the oracle's bytes, and its image (written as a docker archive and
 *   loaded) still passes the probe.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLoadedImage, type KeptPath } from '../../src/analyze';
import { writeImageArchive } from '../../src/emit/image-archive';
import { openImage } from '../../src/image';
import type { FileTree } from '../../src/tree/types';
import { probeImage, readProbeFile } from '../../src/probe';
import { slim, type SlimResult } from '../../src/slim';
import { DockerResources, describeWithDocker, dockerOrThrow } from '../support/docker';
import { materialize } from '../support/materialize';
import { loadProbe } from '../support/probe';
import { traceProbe as oracleTrace, type FileAccess } from '../support/working-set';
import { SAMPLES_DIR, SAMPLE_BUILD_TIMEOUT_MS, SAMPLE_NAMES, sampleArchive } from '../oracle/sample-images';

/** The runtime's own file systems and the files the engine mounts into every container (see the oracle suite). */
const NOT_IMAGE_FILES = [/^\/proc\//, /^\/sys\//, /^\/dev\//, /^\/etc\/(hosts|hostname|resolv\.conf)$/];

/** The image's regular files the oracle run opened or executed (real paths). */
function oracleWorkingSet(tree: FileTree, accesses: FileAccess[]): Set<string> {
  const files = new Set<string>();
  for (const access of accesses) {
    const real = access.syscall.startsWith('exec') ? tree.resolve(access.real).path : access.real;
    if (NOT_IMAGE_FILES.some((pattern) => pattern.test(real))) continue;
    const entry = tree.lstat(real);
    if (entry?.type === 'file' || entry?.type === 'hardlink') files.add(real);
  }
  return files;
}

interface Row {
  sample: string;
  oracleBytes: number;
  traceBytes: number;
  traceOnlyBytes: number;
  staticBytes: number;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(2);

describeWithDocker('slim --trace against the strace oracle', () => {
  const resources = new DockerResources();
  const rows: Row[] = [];

  afterAll(async () => {
    if (rows.length > 0) {
      const lines = rows.map((r) => `  ${r.sample.padEnd(20)} ${mb(r.oracleBytes).padStart(9)} ${mb(r.staticBytes).padStart(9)} ${mb(r.traceBytes).padStart(9)} ${mb(r.traceOnlyBytes).padStart(11)} ${(r.traceOnlyBytes / r.oracleBytes).toFixed(3).padStart(6)}`);
      process.stdout.write(`\ntraced working set (MB):\n  ${'sample'.padEnd(20)} ${'oracle'.padStart(9)} ${'static'.padStart(9)} ${'--trace'.padStart(9)} ${'--trace-only'.padStart(11)} ${'ratio'.padStart(6)}\n${lines.join('\n')}\n`);
    }
    await resources.cleanup();
  });

  test.each(SAMPLE_NAMES)(
    '%s',
    async (name) => {
      const { archive, dockerfile } = await sampleArchive(name);
      const probePath = join(SAMPLES_DIR, name, 'probe.json');
      const image = await openImage(archive);
      const work = mkdtempSync(join(tmpdir(), `scratchify-e2e-trace-${name}-`));
      try {
        const root = join(work, 'root');
        mkdirSync(root);
        await materialize(image.tree, root);
        const oracle = await oracleTrace({ root, tree: image.tree, config: image.config, probe: loadProbe(probePath) });
        if (!oracle.ok) throw new Error(`${name}: the probe failed in the oracle's chroot:\n${oracle.detail}`);
        const working = oracleWorkingSet(image.tree, oracle.accesses);
        expect(working.size).toBeGreaterThan(0);
        const oracleBytes = [...working].reduce((sum, path) => sum + (image.tree.lstat(path)?.size ?? 0), 0);

        const run = (only: boolean) =>
          slim({ dockerfile, image: { kind: 'archive', path: archive }, trace: { probe: readProbeFile(probePath), only } }) as Promise<SlimResult>;
        const traced = await run(false);
        const kept = new Map<string, KeptPath>(traced.analysis.kept.map((path) => [path.path, path]));
        const missing = [...working].filter((path) => !kept.has(path));
        expect(missing).toEqual([]);
        // The trace's reasons are there: some kept file is kept because a check opened it.
        expect(traced.analysis.kept.some((path) => path.reasons.some((reason) => reason.rule === 'trace' && /at run time by check 1 of probe\.json$/.test(reason.detail)))).toBe(true);

        const only = await run(true);
        const onlyKept = new Set(only.analysis.kept.map((path) => path.path));
        expect([...working].filter((path) => !onlyKept.has(path))).toEqual([]);
        const staticOnly = await analyzeLoadedImage(image, { dockerfile });
        rows.push({ sample: name, oracleBytes, staticBytes: staticOnly.totals.keptBytes, traceBytes: traced.analysis.totals.keptBytes, traceOnlyBytes: only.analysis.totals.keptBytes });
        expect(only.analysis.totals.keptBytes).toBeLessThanOrEqual(1.1 * oracleBytes);

        const tag = resources.image(`scratchify-e2e-trace-${name}:trace-only`);
        const output = join(work, 'trace-only.tar');
        await writeImageArchive({ tree: image.tree, kept: only.analysis.kept, config: image.config, format: 'docker', output, reference: tag });
        await dockerOrThrow(['load', '--input', output], { timeoutMs: 5 * 60_000 });
        const outcomes = await probeImage(tag, readProbeFile(probePath));
        expect(outcomes.map((outcome) => (outcome.ok ? 'pass' : outcome.failures.join('; ')))).toEqual(outcomes.map(() => 'pass'));
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    SAMPLE_BUILD_TIMEOUT_MS,
  );
});
