/**
 * `scratchify verify` with the real engine, through the CLI as users run it. Every sample's fat-against-slim run
 * is in slim.test.ts (which builds both images anyway); here:
 * - a slim image with a needed library removed: exit 1, the failing check and the first difference shown;
 * - a fat image loaded from an archive against a slim Dockerfile verify builds itself;
 * - an image's HEALTHCHECK as the check when no probe is given;
 * - the containers and network removed when verify is interrupted;
 * - verify and --trace with podman, where it is installed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeImageArchive } from '../../src/emit/image-archive';
import { readProbeFile } from '../../src/probe';
import { slim, type SlimResult } from '../../src/slim';
import { runCli } from '../support/cli';
import { DockerResources, buildImage, describeWithDocker, dockerOrThrow, saveImage, RUN_ID } from '../support/docker';

const SAMPLE = resolve(__dirname, '../../samples/c-openssl-zlib');
const DOCKERFILE = join(SAMPLE, 'Dockerfile');
const PROBE = join(SAMPLE, 'probe.json');
const LIBSSL = '/usr/lib/x86_64-linux-gnu/libssl.so.3';

/**
 * Whether podman answers; why not, when it does not. Its default ulimits need CAP_SYS_RESOURCE, which a CI
 * container may lack, so the run gets lower ones (they change nothing the test looks at). The storage it shares
 * with buildah may be locked by a build for a while, hence the long wait.
 */
function podmanProblem(work: string): string | undefined {
  try {
    const conf = join(work, 'containers.conf');
    writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\n');
    execFileSync('podman', ['info'], { stdio: 'pipe', timeout: 5 * 60_000, env: { ...process.env, CONTAINERS_CONF: conf } });
    process.env.CONTAINERS_CONF = conf;
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

describeWithDocker('scratchify verify', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-e2e-verify-'));
  const fatTag = resources.image(`scratchify-e2e-verify-c-${RUN_ID}:fat`);
  const healthy = resources.image(`scratchify-e2e-verify-c-${RUN_ID}:health`);
  const archive = join(work, 'fat.tar');
  let slimmed: SlimResult;

  beforeAll(async () => {
    await buildImage(SAMPLE, fatTag);
    await saveImage(fatTag, archive);
    const text = readFileSync(DOCKERFILE, 'utf8');
    slimmed = (await slim({ dockerfile: { text, file: DOCKERFILE }, image: { kind: 'archive', path: archive } })) as SlimResult;
    if (slimmed.text === undefined) throw new Error('expected the emitted Dockerfile');
    writeFileSync(join(work, 'Dockerfile.slim'), slimmed.text);
    // A long-running container whose healthcheck is the sample's program (it exits 0 when it can hash its argument).
    const context = join(work, 'health');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), `FROM ${fatTag}\nHEALTHCHECK --start-period=1s CMD ["/usr/local/bin/digest", "ok"]\nENTRYPOINT ["sleep", "600"]\nCMD []\n`);
    await buildImage(context, healthy);
  }, 15 * 60_000);

  afterAll(async () => {
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('a slim image without a library its program needs: exit 1, the failure and the first difference', async () => {
    expect(slimmed.analysis.kept.some((path) => path.path === LIBSSL)).toBe(true);
    const broken = resources.image(`scratchify-e2e-verify-c-${RUN_ID}:broken`);
    const output = join(work, 'broken.tar');
    await writeImageArchive({ tree: slimmed.image.tree, kept: slimmed.analysis.kept.filter((path) => path.path !== LIBSSL), config: slimmed.image.config, format: 'docker', output, reference: broken });
    await dockerOrThrow(['load', '--input', output]);

    const run = await runCli(['verify', '--image', fatTag, '--slim-image', broken, '--probe', PROBE]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\n1 command \["scratchify"\] +pass +\d+\.\d s +FAIL +\d+\.\d s\n/);
    expect(run.stdout).toContain('    slim: exit code 127, expected 0\n');
    expect(run.stdout).toContain('    first difference: exit code: 0 on fat, 127 on slim\n');
    expect(run.stdout).toContain('runtime contract: the same');
    expect(run.stdout).toMatch(/verdict: the slim image differs from the fat one \(1 of 1 checks fail on slim\)\n$/);

    const json = await runCli(['verify', '--image', fatTag, '--slim-image', broken, '--probe', PROBE, '--format', 'json']);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({ version: 1, verdict: 'slim-differs', exitCode: 1, engine: 'docker', contract: { same: true } });
    expect(document.checks[0].slim.observation.stderr).toMatch(/libssl\.so\.3: cannot open shared object file/);
  }, 10 * 60_000);

  test('a fat image from an archive against a slim Dockerfile that verify builds: exit 0', async () => {
    const run = await runCli(['verify', DOCKERFILE, '--image-archive', archive, '--slim-dockerfile', join(work, 'Dockerfile.slim'), '--context', SAMPLE, '--probe', PROBE]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/verdict: the slim image behaves like the fat one/);
    expect(run.code).toBe(0);
  }, 15 * 60_000);

  test("without a probe, the image's HEALTHCHECK is the check", async () => {
    const run = await runCli(['verify', '--image', healthy, '--slim-image', healthy, '--format', 'json']);
    expect(run.stderr).toBe('');
    const document = JSON.parse(run.stdout);
    expect(document.probe).toBe("the image's HEALTHCHECK");
    expect(document.checks).toEqual([expect.objectContaining({ name: 'HEALTHCHECK', kind: 'exec', fat: expect.objectContaining({ ok: true }), slim: expect.objectContaining({ ok: true }) })]);
    expect(run.code).toBe(0);

    const without = await runCli(['verify', '--image', fatTag, '--slim-image', fatTag]);
    expect(without).toEqual({ code: 2, stdout: '', stderr: 'scratchify: no --probe given and the image has no HEALTHCHECK to run instead\n' });
  }, 10 * 60_000);

  test('on SIGINT, the containers and the network of the run are removed before the process ends', async () => {
    const cli = resolve(__dirname, '../../dist/src/cli/main.js');
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm ci does)`);
    const probe = join(work, 'never-ready.json');
    writeFileSync(probe, JSON.stringify({ kind: 'http', port: 9, timeoutMs: 600_000, expect: {} }));
    const child = spawn(process.execPath, [cli, 'verify', '--image', healthy, '--slim-image', healthy, '--probe', probe], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
    const id = (await dockerOrThrow(['image', 'inspect', '--format', '{{.Id}}', healthy])).trim();
    let container = '';
    for (let i = 0; i < 600 && container === ''; i++) {
      container = (await dockerOrThrow(['ps', '--quiet', '--filter', `ancestor=${id}`])).trim();
      if (container === '') await new Promise((wait) => setTimeout(wait, 200));
    }
    expect(container).not.toBe('');
    const network = (await dockerOrThrow(['container', 'inspect', '--format', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}', container])).trim();
    expect(network).toMatch(/^scratchify-net-[0-9a-f]+$/);
    child.kill('SIGINT');
    // The shell's code for SIGINT (128 + 2), after the removal (src/output/cleanup.ts).
    expect(await exited).toBe(130);
    expect((await dockerOrThrow(['ps', '--all', '--quiet', '--filter', `ancestor=${id}`])).trim()).toBe('');
    expect((await dockerOrThrow(['network', 'ls', '--quiet', '--filter', `name=^${network}$`])).trim()).toBe('');
  }, 10 * 60_000);

  test('with podman (where installed): the archive loaded, the checks run, everything removed', async () => {
    const problem = podmanProblem(work);
    if (problem !== undefined) {
      process.stderr.write(`[scratchify e2e] podman does not answer (${problem}): the podman case of verify is skipped\n`);
      return;
    }
    const slimArchive = join(work, 'slim-for-podman.tar');
    const slimRef = `localhost/scratchify-e2e-verify-c-${RUN_ID}:podman-slim`;
    await writeImageArchive({ tree: slimmed.image.tree, kept: slimmed.analysis.kept, config: slimmed.image.config, format: 'docker', output: slimArchive, reference: `scratchify-e2e-verify-c-${RUN_ID}:podman-slim` });
    execFileSync('podman', ['load', '--input', slimArchive], { stdio: 'ignore' });
    const saved = process.env.SCRATCHIFY_ENGINE;
    process.env.SCRATCHIFY_ENGINE = 'podman';
    try {
      const before = execFileSync('podman', ['ps', '--all', '--quiet']).toString();
      const run = await runCli(['verify', '--image-archive', archive, '--slim-image', slimRef, '--probe', PROBE, '--format', 'json']);
      expect(run.stderr).toBe('');
      const document = JSON.parse(run.stdout);
      if (document.verdict !== 'pass') throw new Error(`verify with podman did not pass:\n${JSON.stringify(document.checks, null, 2)}`);
      expect(document).toMatchObject({ engine: 'podman', verdict: 'pass', exitCode: 0 });
      expect(run.code).toBe(0);
      expect(execFileSync('podman', ['ps', '--all', '--quiet']).toString()).toBe(before);

      // --trace with podman: the same tracer, mounts and capability.
      const text = readFileSync(DOCKERFILE, 'utf8');
      const traced = (await slim({ dockerfile: { text, file: DOCKERFILE }, image: { kind: 'archive', path: archive }, trace: { probe: readProbeFile(PROBE) } })) as SlimResult;
      const libssl = traced.analysis.kept.find((path) => path.path === LIBSSL);
      expect(libssl?.reasons).toContainEqual({ rule: 'trace', detail: 'opened at run time by check 1 of probe.json' });
      expect(execFileSync('podman', ['ps', '--all', '--quiet']).toString()).toBe(before);
    } finally {
      if (saved === undefined) delete process.env.SCRATCHIFY_ENGINE;
      else process.env.SCRATCHIFY_ENGINE = saved;
      execFileSync('podman', ['image', 'rm', '--force', slimRef], { stdio: 'ignore' });
    }
  }, 15 * 60_000);
});
