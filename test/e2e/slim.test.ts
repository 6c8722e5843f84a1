/**
 * The main job, end to end with the real engine: for every sample, build the fat image and pass its probe;
 * run `scratchify slim` on its saved image; build the emitted Dockerfile; pass the same probe on the slim
 * image; its config keeps the fat image's runtime contract; and it is smaller.
 */
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseDockerfile } from '../../src/dockerfile';
import { targetAlias } from '../../src/emit/dockerfile';
import { lint } from '../../src/lint/linter';
import { ALL_RULES } from '../../src/lint/rules';
import { slim } from '../../src/slim';
import { DockerResources, buildImage, describeWithDocker, dockerOrThrow, saveImage, startBuilds, type BuiltImage } from '../support/docker';
import { loadProbe, runProbe } from '../support/probe';
import { recordFigures } from '../support/results';

const SAMPLES_DIR = resolve(__dirname, '../../samples');
const samples = readdirSync(SAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(SAMPLES_DIR, entry.name, 'Dockerfile')))
  .map((entry) => entry.name)
  .sort();

interface Row {
  sample: string;
  fatMb: number;
  slimMb: number;
  probe: string;
  selfContainedMb?: number;
  selfContainedProbe?: string;
}

type Config = Record<string, unknown>;

/** The runtime contract as `docker inspect` shows it, normalized where the slim image may differ in form only. */
function contract(config: Config, rewrittenCmd?: string[]): Config {
  return {
    Entrypoint: config.Entrypoint ?? null,
    Cmd: rewrittenCmd ?? config.Cmd ?? null,
    Env: config.Env ?? [],
    // An empty WorkingDir means `/`; BuildKit writes `/` for a scratch stage that never set one.
    WorkingDir: config.WorkingDir || '/',
    ExposedPorts: config.ExposedPorts ?? null,
    Volumes: config.Volumes ?? null,
    Labels: config.Labels ?? null,
    StopSignal: config.StopSignal ?? null,
    Healthcheck: config.Healthcheck ?? null,
  };
}

async function inspectConfig(image: string): Promise<Config> {
  return JSON.parse(await dockerOrThrow(['image', 'inspect', '--format', '{{json .Config}}', image])) as Config;
}

const run = promisify(execFile);

/** The generated part of a slim Dockerfile, on top of an already built original stage. */
function slimSectionOver(original: string, emitted: string, baseImage: string): string {
  const { dockerfile } = parseDockerfile(original);
  const { alias } = targetAlias(dockerfile, dockerfile.stages.length - 1);
  return `FROM ${baseImage} AS ${alias}\n${emitted.slice(emitted.indexOf('\n# ----'))}`;
}

describeWithDocker('scratchify slim on every sample', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-e2e-slim-'));
  const rows: Row[] = [];
  let fatBuilds = new Map<string, Promise<BuiltImage>>();
  const fatTag = (name: string) => `scratchify-e2e-slim-${name}:fat`;

  beforeAll(() => {
    fatBuilds = startBuilds(samples.map((name) => ({ context: join(SAMPLES_DIR, name), tag: resources.image(fatTag(name)) })));
  });

  afterAll(async () => {
    if (rows.length > 0) {
      const lines = rows.map(
        (r) =>
          `  ${r.sample.padEnd(20)} ${r.fatMb.toFixed(1).padStart(8)} ${r.slimMb.toFixed(1).padStart(8)} ${(r.slimMb / r.fatMb).toFixed(2).padStart(6)}  ${r.probe.padEnd(5)} ` +
          `${(r.selfContainedMb ?? NaN).toFixed(1).padStart(10)}  ${r.selfContainedProbe ?? '-'}`,
      );
      process.stdout.write(`\nsample                 fat MB  slim MB  ratio  probe  no-engine MB  probe\n${lines.join('\n')}\n`);
    }
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test.each(samples)(
    '%s',
    async (name) => {
      const context = join(SAMPLES_DIR, name);
      const probe = loadProbe(join(context, 'probe.json'));
      const fat = await fatBuilds.get(fatTag(name))!;
      const fatResult = await runProbe(fat.tag, probe);
      if (!fatResult.ok) throw new Error(`the fat image fails its own probe:\n${fatResult.detail}`);

      const archive = join(work, `${name}.tar`);
      await saveImage(fat.tag, archive);
      const text = readFileSync(join(context, 'Dockerfile'), 'utf8');
      const result = await slim({ dockerfile: { text, file: join(context, 'Dockerfile') }, image: { kind: 'archive', path: archive } });
      if (result.form !== 'exact') throw new Error('expected the exact form from an image archive');
      if (result.text === undefined) throw new Error('expected the emitted Dockerfile');
      const slimFile = join(work, `${name}.Dockerfile`);
      writeFileSync(slimFile, result.text);

      // Lint: the fat image carries measurable waste; the emitted Dockerfile's final stage has no size finding.
      const fatLint = lint({ dockerfile: { text, file: join(context, 'Dockerfile') }, contextDir: context, image: { source: archive, analysis: result.analysis, tree: result.image.tree } });
      const fatRules = new Set(fatLint.findings.map((finding) => finding.ruleId));
      for (const expected of ['unneeded-bytes', 'package-manager-in-image', 'final-stage-distribution']) expect([...fatRules]).toContain(expected);
      expect(fatLint.image?.unneededPercent).toBeGreaterThan(50);
      const sizeRules = new Set(ALL_RULES.filter((rule) => rule.meta.category === 'size').map((rule) => rule.meta.id));
      const slimLint = lint({ dockerfile: { text: result.text, file: slimFile }, contextDir: context });
      expect(slimLint.fatal).toBe(false);
      const slimSizeFindings = slimLint.findings.filter((finding) => sizeRules.has(finding.ruleId));
      recordFigures(name, 'lint', { unneededPercent: fatLint.image?.unneededPercent, fatLintFindings: fatLint.findings.length, slimSizeFindings: slimSizeFindings.length });
      expect(slimSizeFindings.map((finding) => `${finding.location.line}: ${finding.ruleId}: ${finding.message}`)).toEqual([]);

      const slimImage = await buildImage(context, resources.image(`scratchify-e2e-slim-${name}:slim`), { dockerfile: slimFile });
      const slimResult = await runProbe(slimImage.tag, probe);
      rows.push({ sample: name, fatMb: fat.sizeBytes / 1e6, slimMb: slimImage.sizeBytes / 1e6, probe: slimResult.ok ? 'pass' : 'FAIL' });
      if (!slimResult.ok) throw new Error(`the slim image fails the probe:\n${slimResult.detail}\n--- emitted Dockerfile ---\n${result.text}`);

      const fatConfig = await inspectConfig(fat.tag);
      const slimConfig = await inspectConfig(slimImage.tag);
      const rewrittenCmd = result.plan.config.rewrites.some((r) => r.startsWith('CMD')) ? result.plan.config.cmd : undefined;
      expect(contract(slimConfig)).toEqual(contract(fatConfig, rewrittenCmd));
      // USER may become numeric when /etc/passwd is not kept; it must name the same account.
      if (fatConfig.User) expect(slimConfig.User).toBe(result.plan.config.user);
      expect(slimImage.sizeBytes).toBeLessThan(fat.sizeBytes);

      // The generated stages build with the legacy builder and with buildah too (on top of the fat image, so
      // the original stages, which are the user's own, are not rebuilt by each builder).
      const legacyFile = join(work, `${name}.legacy.Dockerfile`);
      writeFileSync(legacyFile, slimSectionOver(text, result.text, fat.tag));
      const legacyTag = resources.image(`scratchify-e2e-slim-${name}:legacy`);
      await run('/usr/bin/docker', ['build', '-q', '-f', legacyFile, '-t', legacyTag, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 1 << 26 });
      const legacyResult = await runProbe(legacyTag, probe);
      if (!legacyResult.ok) throw new Error(`the slim image built by the legacy builder fails the probe:\n${legacyResult.detail}`);

      const buildahFile = join(work, `${name}.buildah.Dockerfile`);
      writeFileSync(buildahFile, slimSectionOver(text, result.text, `localhost/${fat.tag}`));
      const buildahTag = `localhost/scratchify-e2e-slim-${name}:buildah`;
      const buildahArchive = join(work, `${name}.buildah.tar`);
      await run('buildah', ['pull', '-q', `docker-archive:${archive}`], { maxBuffer: 1 << 26 });
      try {
        await run('buildah', ['bud', '-q', '-f', buildahFile, '-t', buildahTag, context], { maxBuffer: 1 << 26 });
        await run('buildah', ['push', '-q', buildahTag, `docker-archive:${buildahArchive}:${buildahTag}`], { maxBuffer: 1 << 26 });
      } finally {
        await run('buildah', ['rmi', '-f', buildahTag, `localhost/${fat.tag}`]).catch(() => undefined);
      }
      await dockerOrThrow(['load', '-q', '-i', buildahArchive]);
      resources.image(buildahTag);
      const buildahResult = await runProbe(buildahTag, probe);
      if (!buildahResult.ok) throw new Error(`the slim image built by buildah fails the probe:\n${buildahResult.detail}`);

      // The no-engine form: the same Dockerfile slimmed as if no engine were there, built and probed here.
      const selfContained = await slim({ dockerfile: { text, file: join(context, 'Dockerfile') }, image: { kind: 'auto' }, engine: null });
      expect(selfContained.form).toBe('self-contained');
      if (selfContained.form !== 'self-contained') throw new Error('expected the self-contained form without an engine');
      const selfContainedFile = join(work, `${name}.self-contained.Dockerfile`);
      writeFileSync(selfContainedFile, selfContained.text);
      const collected = await buildImage(context, resources.image(`scratchify-e2e-slim-${name}:self-contained`), { dockerfile: selfContainedFile });
      const collectedResult = await runProbe(collected.tag, probe);
      const row = rows[rows.length - 1];
      row.selfContainedMb = collected.sizeBytes / 1e6;
      row.selfContainedProbe = collectedResult.ok ? 'pass' : 'FAIL';
      recordFigures(name, 'slim', {
        fatBytes: fat.sizeBytes,
        slimBytes: slimImage.sizeBytes,
        slimProbe: 'pass',
        selfContainedBytes: collected.sizeBytes,
        selfContainedProbe: collectedResult.ok ? 'pass' : 'FAIL',
      });
      if (!collectedResult.ok) throw new Error(`the self-contained form fails the probe:\n${collectedResult.detail}\n--- emitted Dockerfile ---\n${selfContained.text}`);
      expect(collected.sizeBytes).toBeLessThan(fat.sizeBytes);
    },
    20 * 60_000,
  );
}, { hostTools: ['buildah'] });
