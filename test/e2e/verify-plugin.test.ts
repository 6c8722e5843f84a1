/**
 * What static analysis cannot see, and the trace can: samples/runtime-plugin serves `/export?format=NAME` by
 * importing the module NAME, so nothing in its image says that the probe's request (`format=ujson`) needs the
 * `ujson` extension module and the C++ library it links. Through the CLI, as a user runs it:
 * - `slim` (static only): its image fails the probe — `verify` exits 1 and names the first difference;
 * - `slim --trace probe.json`: its image passes — `verify` exits 0;
 * - the traced module is kept with the trace's reason, its library by the static closure continued from it, and
 *   `why` shows both.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli';
import { DockerResources, buildImage, describeWithDocker, dockerOrThrow, saveImage, RUN_ID } from '../support/docker';

const SAMPLE = resolve(__dirname, '../../samples/runtime-plugin');
const DOCKERFILE = join(SAMPLE, 'Dockerfile');
const PROBE = join(SAMPLE, 'probe.json');
/** The module the request names (python3-ujson), and the library it is linked to (libdouble-conversion3). */
const PLUGIN = /^\/usr\/lib\/python3\/dist-packages\/ujson\.cpython-\d+-[\w-]+\.so$/;
const PLUGIN_LIBRARY = /^\/usr\/lib\/[\w-]+\/libdouble-conversion\.so\.3[.\d]*$/;

interface KeptPath {
  path: string;
  reasons: Array<{ rule: string; detail: string; by?: string }>;
}

describeWithDocker('a plugin chosen at run time (samples/runtime-plugin): static slim misses it, --trace keeps it', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-e2e-plugin-'));

  afterAll(async () => {
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('static-only fails its probe and verify names the difference; --trace passes; why shows the trace', async () => {
    const fat = await buildImage(SAMPLE, resources.image(`scratchify-e2e-plugin-${RUN_ID}:fat`));
    const archive = join(work, 'fat.tar');
    await saveImage(fat.tag, archive);

    /** `scratchify slim` through the CLI, writing the slim image as a docker archive, loaded into the engine. */
    const slimImage = async (tag: string, extra: string[]): Promise<KeptPath[]> => {
      const output = join(work, `${tag.replace(/\W/g, '-')}.tar`);
      const report = join(work, `${tag.replace(/\W/g, '-')}.json`);
      const run = await runCli(['slim', DOCKERFILE, '--image-archive', archive, '-o', join(work, `${tag.replace(/\W/g, '-')}.Dockerfile`), '--report', report, '--docker-archive', output, '--tag', resources.image(tag), ...extra]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      await dockerOrThrow(['load', '--input', output]);
      return (JSON.parse(readFileSync(report, 'utf8')) as { paths: KeptPath[] }).paths;
    };
    const staticKept = await slimImage(`scratchify-e2e-plugin-${RUN_ID}:static`, []);
    const tracedKept = await slimImage(`scratchify-e2e-plugin-${RUN_ID}:traced`, ['--trace', PROBE]);

    // Static analysis keeps neither the module nor its library; the trace keeps the module, the closure its library.
    expect(staticKept.filter((path) => PLUGIN.test(path.path) || PLUGIN_LIBRARY.test(path.path))).toEqual([]);
    const plugin = tracedKept.find((path) => PLUGIN.test(path.path));
    expect(plugin?.reasons).toContainEqual({ rule: 'trace', detail: 'opened at run time by check 1 of probe.json' });
    const library = tracedKept.find((path) => PLUGIN_LIBRARY.test(path.path) && path.reasons.some((reason) => reason.rule === 'elf-needed'));
    expect(library?.reasons).toContainEqual(expect.objectContaining({ rule: 'elf-needed', by: plugin?.path }));

    const failing = await runCli(['verify', '--image', fat.tag, '--slim-image', `scratchify-e2e-plugin-${RUN_ID}:static`, '--probe', PROBE]);
    expect(failing.stderr).toBe('');
    expect(failing.stdout).toMatch(/\n1 http GET :8080\/export\?format=ujson +pass +\d+\.\d s +FAIL +\d+\.\d s\n/);
    expect(failing.stdout).toContain('    slim: status 400, expected 200\n');
    expect(failing.stdout).toContain('    first difference: status: 200 on fat, 400 on slim\n');
    expect(failing.stdout).toContain('runtime contract: the same');
    expect(failing.stdout).toMatch(/verdict: the slim image differs from the fat one \(1 of 1 checks fail on slim\)\n$/);
    expect(failing.code).toBe(1);

    const passing = await runCli(['verify', '--image', fat.tag, '--slim-image', `scratchify-e2e-plugin-${RUN_ID}:traced`, '--probe', PROBE, '--format', 'json']);
    expect(passing.stderr).toBe('');
    expect(JSON.parse(passing.stdout)).toMatchObject({ verdict: 'pass', exitCode: 0, contract: { same: true }, checks: [{ fat: { ok: true }, slim: { ok: true } }] });
    expect(passing.code).toBe(0);

    const pluginPath = plugin?.path ?? '';
    const libraryPath = library?.path ?? '';
    const why = await runCli(['why', '--image-archive', archive, '--dockerfile', DOCKERFILE, '--trace', PROBE, pluginPath, libraryPath]);
    expect(why.stderr).toBe('');
    expect(why.stdout).toContain(`  ${pluginPath}: trace — opened at run time by check 1 of probe.json\n`);
    expect(why.stdout).toMatch(new RegExp(`  ${libraryPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: elf-needed — [^\\n]*\\n    ${pluginPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: trace — `));
    expect(why.code).toBe(0);
  }, 20 * 60_000);
});
