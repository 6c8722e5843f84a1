/**
 * The main job, end to end with the real engine: for every sample, build the fat image and pass its probe;
 * run `scratchify slim` on its saved image; build the emitted Dockerfile; `scratchify verify` passes the slim
 * image against the fat one (the same probe on both, the same runtime contract); and it is smaller.
 *
 * A sample whose needed files are chosen only by run-time input is in STATIC_MISSES: there the static slim image
 * must fail its probe — verify exits 1 and names the difference — and `slim --trace probe.json` must give an
 * image that passes; the rest of the test then runs on the traced result. (Its no-engine form keeps language
 * runtimes whole, the installed packages with them, and passes like every other sample's.)
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
import { slim, type SlimResult } from '../../src/slim';
import { DockerResources, buildImage, describeWithDocker, dockerOrThrow, startBuilds, type BuiltImage, RUN_ID } from '../support/docker';
import { readProbeFile } from '../../src/probe';
import { formatVerifyText, verify } from '../../src/verify';
import { loadProbe, runProbe } from '../support/probe';
import { recordFigures } from '../support/results';
import { sampleArchive } from '../oracle/sample-images';

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

/**
 * Samples static analysis cannot slim, with the first difference verify must name between the fat image and the
 * static-only slim one (samples/README.md, "runtime-plugin: what static analysis cannot see").
 */
const STATIC_MISSES: Record<string, string> = {
  'runtime-plugin': 'first difference: status: 200 on fat, 400 on slim',
};

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

/** The instruction forms of the generated part of a slim Dockerfile: each instruction word with its flags. */
function instructionForms(emitted: string): string[] {
  const generated = emitted.slice(emitted.indexOf('\n# ----'));
  const forms = new Set<string>();
  for (const line of generated.split('\n')) {
    const match = /^([A-Z]+)((?: --[a-z-]+(?:=\S*)?)*)/.exec(line);
    if (match) forms.add(`${match[1]}${match[2].replace(/=\S*/g, '')}`);
  }
  return [...forms];
}

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
  const fatTag = (name: string) => `scratchify-e2e-slim-${name}-${RUN_ID}:fat`;
  /** The instruction forms the legacy builder and buildah have built so far. */
  const builtForms = new Set<string>();

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
  }, 10 * 60_000);

  test.each(samples)(
    '%s',
    async (name) => {
      const context = join(SAMPLES_DIR, name);
      const probe = loadProbe(join(context, 'probe.json'));
      const fat = await fatBuilds.get(fatTag(name))!;
      const fatResult = await runProbe(fat.tag, probe);
      if (!fatResult.ok) throw new Error(`the fat image fails its own probe:\n${fatResult.detail}`);

      // The saved fat image (the same image ID as fat.tag: the same context, built by the same engine's cache),
      // shared with the other suites that read this sample, saved once per image ID.
      const { archive } = await sampleArchive(name);
      const text = readFileSync(join(context, 'Dockerfile'), 'utf8');
      const probeFile = readProbeFile(join(context, 'probe.json'));
      const staticResult = await slim({ dockerfile: { text, file: join(context, 'Dockerfile') }, image: { kind: 'archive', path: archive } });
      if (staticResult.form !== 'exact') throw new Error('expected the exact form from an image archive');
      if (staticResult.text === undefined) throw new Error('expected the emitted Dockerfile');
      const staticFile = join(work, `${name}.static.Dockerfile`);
      writeFileSync(staticFile, staticResult.text);
      const staticImage = await buildImage(context, resources.image(`scratchify-e2e-slim-${name}-${RUN_ID}:slim`), { dockerfile: staticFile });
      // `scratchify verify`, the product's own check: every check of the probe on both images, and their contracts.
      const staticVerdict = await verify({
        fat: { kind: 'reference', reference: fat.tag },
        slim: { kind: 'reference', reference: staticImage.tag, dockerfileText: staticResult.text },
        probe: probeFile,
      });
      const staticReport = formatVerifyText(staticVerdict);

      const missed = STATIC_MISSES[name];
      let result: SlimResult = staticResult;
      let slimText: string = staticResult.text;
      let slimFile = staticFile;
      let slimImage = staticImage;
      let verdict = staticVerdict;
      if (missed !== undefined) {
        // The truth for this sample: static analysis cannot see the file the request names.
        if (staticVerdict.exitCode !== 1) throw new Error(`the static slim image of ${name} was expected to fail its probe:\n${staticReport}`);
        expect(staticVerdict.verdict).toBe('slim-differs');
        expect(staticReport).toContain(missed);
        // What a traced run of the probe opened is what the static closure lacked.
        const traced = await slim({ dockerfile: { text, file: join(context, 'Dockerfile') }, image: { kind: 'archive', path: archive }, trace: { probe: probeFile } });
        if (traced.form !== 'exact') throw new Error('expected the exact form from an image archive');
        if (traced.text === undefined) throw new Error('expected the emitted Dockerfile');
        result = traced;
        slimText = traced.text;
        slimFile = join(work, `${name}.Dockerfile`);
        writeFileSync(slimFile, traced.text);
        slimImage = await buildImage(context, resources.image(`scratchify-e2e-slim-${name}-${RUN_ID}:traced`), { dockerfile: slimFile });
        verdict = await verify({
          fat: { kind: 'reference', reference: fat.tag },
          slim: { kind: 'reference', reference: slimImage.tag, dockerfileText: traced.text },
          probe: probeFile,
        });
      }
      rows.push({ sample: name, fatMb: fat.sizeBytes / 1e6, slimMb: slimImage.sizeBytes / 1e6, probe: verdict.exitCode === 0 ? 'pass' : 'FAIL' });
      if (verdict.exitCode !== 0) throw new Error(`verify does not pass the slim image:\n${formatVerifyText(verdict)}\n--- emitted Dockerfile ---\n${slimText}`);
      expect(verdict.verdict).toBe('pass');

      // Lint: the fat image carries measurable waste; the emitted Dockerfile's final stage has no size finding.
      const fatLint = lint({ dockerfile: { text, file: join(context, 'Dockerfile') }, contextDir: context, image: { source: archive, analysis: result.analysis, tree: result.image.tree } });
      const fatRules = new Set(fatLint.findings.map((finding) => finding.ruleId));
      for (const expected of ['unneeded-bytes', 'package-manager-in-image', 'final-stage-distribution']) expect([...fatRules]).toContain(expected);
      expect(fatLint.image?.unneededPercent).toBeGreaterThan(50);
      const sizeRules = new Set(ALL_RULES.filter((rule) => rule.meta.category === 'size').map((rule) => rule.meta.id));
      const slimLint = lint({ dockerfile: { text: slimText, file: slimFile }, contextDir: context });
      expect(slimLint.fatal).toBe(false);
      const slimSizeFindings = slimLint.findings.filter((finding) => sizeRules.has(finding.ruleId));
      recordFigures(name, 'lint', { unneededPercent: fatLint.image?.unneededPercent, fatLintFindings: fatLint.findings.length, slimSizeFindings: slimSizeFindings.length });
      expect(slimSizeFindings.map((finding) => `${finding.location.line}: ${finding.ruleId}: ${finding.message}`)).toEqual([]);

      const fatConfig = await inspectConfig(fat.tag);
      const slimConfig = await inspectConfig(slimImage.tag);
      const rewrittenCmd = result.plan.config.rewrites.some((r) => r.startsWith('CMD')) ? result.plan.config.cmd : undefined;
      expect(contract(slimConfig)).toEqual(contract(fatConfig, rewrittenCmd));
      // USER may become numeric when /etc/passwd is not kept; it must name the same account.
      if (fatConfig.User) expect(slimConfig.User).toBe(result.plan.config.user);
      expect(slimImage.sizeBytes).toBeLessThan(fat.sizeBytes);

      // The generated stages build with the legacy builder and with buildah too (on top of the fat image, so
      // the original stages, which are the user's own, are not rebuilt by each builder), for every form not built yet.
      const novel = instructionForms(slimText).filter((form) => !builtForms.has(form));
      if (novel.length > 0) {
        const legacyFile = join(work, `${name}.legacy.Dockerfile`);
        writeFileSync(legacyFile, slimSectionOver(text, slimText, fat.tag));
        const legacyTag = resources.image(`scratchify-e2e-slim-${name}-${RUN_ID}:legacy`);
        await run('/usr/bin/docker', ['build', '-q', '-f', legacyFile, '-t', legacyTag, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 1 << 26 });
        const legacyResult = await runProbe(legacyTag, probe);
        if (!legacyResult.ok) throw new Error(`the slim image built by the legacy builder fails the probe:\n${legacyResult.detail}`);

        const buildahFile = join(work, `${name}.buildah.Dockerfile`);
        writeFileSync(buildahFile, slimSectionOver(text, slimText, `localhost/${fat.tag}`));
        const buildahTag = `localhost/scratchify-e2e-slim-${name}-${RUN_ID}:buildah`;
        const buildahArchive = join(work, `${name}.buildah.tar`);
        // The shared archive names the image as its first save did: buildah gets it under the fat tag too.
        const pulled = (await run('buildah', ['pull', '-q', `docker-archive:${archive}`], { maxBuffer: 1 << 26 })).stdout.trim().split('\n').pop() ?? '';
        try {
          await run('buildah', ['tag', pulled, `localhost/${fat.tag}`]);
          await run('buildah', ['bud', '-q', '-f', buildahFile, '-t', buildahTag, context], { maxBuffer: 1 << 26 });
          await run('buildah', ['push', '-q', buildahTag, `docker-archive:${buildahArchive}:${buildahTag}`], { maxBuffer: 1 << 26 });
        } finally {
          await run('buildah', ['rmi', '-f', buildahTag, `localhost/${fat.tag}`, pulled]).catch(() => undefined);
        }
        await dockerOrThrow(['load', '-q', '-i', buildahArchive]);
        resources.image(buildahTag);
        const buildahResult = await runProbe(buildahTag, probe);
        if (!buildahResult.ok) throw new Error(`the slim image built by buildah fails the probe:\n${buildahResult.detail}`);
        for (const form of novel) builtForms.add(form);
      }

      // The no-engine form: the same Dockerfile slimmed as if no engine were there, built and probed here.
      const selfContained = await slim({ dockerfile: { text, file: join(context, 'Dockerfile') }, image: { kind: 'auto' }, engine: null });
      expect(selfContained.form).toBe('self-contained');
      if (selfContained.form !== 'self-contained') throw new Error('expected the self-contained form without an engine');
      const selfContainedFile = join(work, `${name}.self-contained.Dockerfile`);
      writeFileSync(selfContainedFile, selfContained.text);
      const collected = await buildImage(context, resources.image(`scratchify-e2e-slim-${name}-${RUN_ID}:self-contained`), { dockerfile: selfContainedFile });
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
      expect(collected.sizeBytes).toBeLessThan(fat.sizeBytes);
      if (!collectedResult.ok) throw new Error(`the self-contained form fails the probe:\n${collectedResult.detail}\n--- emitted Dockerfile ---\n${selfContained.text}`);
    },
    20 * 60_000,
  );
}, { hostTools: ['buildah'] });
