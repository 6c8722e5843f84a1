/**
 * The written archives with the real engine: for samples the analyzer already handles, analyze the built
 * image, write the docker archive, `docker load` it, and pass the sample's probe on the loaded image; the
 * loaded config must be the fat image's runtime config, its ID our config digest and its one layer our
 * diff_id. The OCI archive of the same image goes in through `skopeo copy … docker-daemon:` (Docker 20.10's
 * `docker load` predates OCI archives) and must pass the same probe.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { analyzeLoadedImage } from '../../../src/analyze';
import { writeImageArchive } from '../../../src/emit/image-archive';
import { openImage } from '../../../src/image';
import { DockerResources, describeWithDocker, dockerOrThrow, uniqueName } from '../../support/docker';
import { loadProbe, runProbe } from '../../support/probe';
import { SAMPLES_DIR, SAMPLE_BUILD_TIMEOUT_MS, sampleArchive } from '../../oracle/sample-images';

/**
 * Samples whose slim image already runs. python-app and node-express wait on analyzer rules: their slim
 * images lack the Python standard library (`No module named 'encodings'`) and Debian's externalized Node.js
 * builtins (`/usr/share/nodejs/cjs-module-lexer/lexer.js`).
 */
const SAMPLES = ['c-openssl-zlib', 'entrypoint-script', 'go-server', 'nginx-nonroot'];

/** The runtime fields `docker inspect` shows, with "unset" in all its spellings (absent, null, "") made one. */
const RUNTIME_FIELDS = ['Entrypoint', 'Cmd', 'Env', 'User', 'WorkingDir', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal', 'Healthcheck'];

function runtimeConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(RUNTIME_FIELDS.map((field) => [field, config[field] === undefined || config[field] === '' ? null : config[field]]));
}

async function inspect(tag: string): Promise<{ Id: string; Config: Record<string, unknown>; RootFS: { Layers: string[] } }> {
  return JSON.parse(await dockerOrThrow(['image', 'inspect', '--format', '{{json .}}', tag]));
}

describeWithDocker('written archives in the real engine', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-archive-engine-'));

  afterAll(async () => {
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test.each(SAMPLES)(
    '%s: docker load, probe, config and IDs',
    async (name) => {
      const sample = await sampleArchive(name);
      const image = await openImage(sample.archive);
      const analysis = await analyzeLoadedImage(image, { dockerfile: sample.dockerfile });
      const probe = loadProbe(join(SAMPLES_DIR, name, 'probe.json'));

      const tag = resources.image(`${uniqueName(`archive-${name}`)}:slim`);
      const archive = join(work, `${name}-docker.tar`);
      const written = await writeImageArchive({ tree: image.tree, kept: analysis.kept, config: analysis.config, format: 'docker', output: archive, reference: tag });
      expect(await dockerOrThrow(['load', '--input', archive])).toContain(`Loaded image: ${tag}`);

      const loaded = await inspect(tag);
      expect(loaded.Id).toBe(written.configDigest);
      expect(loaded.RootFS.Layers).toEqual([written.layerDigest]);
      expect(runtimeConfig(loaded.Config)).toEqual(runtimeConfig(image.config.raw.config as Record<string, unknown>));

      const result = await runProbe(tag, probe);
      if (!result.ok) throw new Error(`the loaded slim image fails its probe:\n${result.detail}`);

      const ociTag = resources.image(`${uniqueName(`archive-oci-${name}`)}:slim`);
      const ociArchive = join(work, `${name}-oci.tar`);
      const oci = await writeImageArchive({ tree: image.tree, kept: analysis.kept, config: analysis.config, format: 'oci', output: ociArchive, reference: ociTag });
      execFileSync('skopeo', ['copy', '--quiet', `oci-archive:${ociArchive}`, `docker-daemon:${ociTag}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      expect((await inspect(ociTag)).RootFS.Layers).toEqual([oci.layerDigest]);
      const ociResult = await runProbe(ociTag, probe);
      if (!ociResult.ok) throw new Error(`the slim image copied from the OCI archive fails its probe:\n${ociResult.detail}`);
    },
    SAMPLE_BUILD_TIMEOUT_MS,
  );
}, { hostTools: ['skopeo'] });
