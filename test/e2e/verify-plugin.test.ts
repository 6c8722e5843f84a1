/**
 * What static analysis cannot see, and the trace can: a server whose needed plugin is chosen only by run-time
 * input. `samples/runtime-plugin` is that sample when it exists; until then a fixture made here: a Python server
 * that imports the module a request names (`GET /load?format=sqlite3`), so nothing in the image says which
 * extension module and library it will load.
 * - the static-only slim image fails the probe (verify: exit 1);
 * - the `--trace` slim image passes it (verify: exit 0);
 * - `why` names the trace as the reason the plugin is kept.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeImageArchive } from '../../src/emit/image-archive';
import { readProbeFile } from '../../src/probe';
import { slim, type SlimResult } from '../../src/slim';
import { runCli } from '../support/cli';
import { DockerResources, buildImage, describeWithDocker, dockerOrThrow, saveImage } from '../support/docker';

const SAMPLE = resolve(__dirname, '../../samples/runtime-plugin');

/** The fixture's Dockerfile begins like samples/python-app's, so a warm build cache serves its package layer. */
const FIXTURE_DOCKERFILE = `FROM debian:bookworm-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1

RUN apt-get update && \\
    apt-get install -y --no-install-recommends python3 python3-yaml && \\
    rm -rf /var/lib/apt/lists/*

WORKDIR /opt/plugin
COPY server.py ./
EXPOSE 8080
CMD ["python3", "/opt/plugin/server.py"]
`;

const FIXTURE_SERVER = `import http.server
import importlib
import json
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        name = query.get("format", ["json"])[0]
        try:
            module = importlib.import_module(name)
            status, body = 200, {"format": name, "loaded": module.__name__}
        except ImportError as error:
            status, body = 500, {"format": name, "error": str(error)}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
`;

const FIXTURE_PROBE = { kind: 'http', port: 8080, path: '/load?format=sqlite3', expect: { status: 200, body: '"loaded": "sqlite3"' } };

describeWithDocker('a plugin chosen at run time: static slim misses it, --trace keeps it', () => {
  const resources = new DockerResources();
  const work = mkdtempSync(join(tmpdir(), 'scratchify-e2e-plugin-'));
  let context = SAMPLE;

  beforeAll(() => {
    if (existsSync(join(SAMPLE, 'Dockerfile')) && existsSync(join(SAMPLE, 'probe.json'))) return;
    context = join(work, 'fixture');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), FIXTURE_DOCKERFILE);
    writeFileSync(join(context, 'server.py'), FIXTURE_SERVER);
    writeFileSync(join(context, 'probe.json'), `${JSON.stringify(FIXTURE_PROBE, null, 2)}\n`);
  });

  afterAll(async () => {
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('static-only fails its probe, --trace passes, why shows the trace', async () => {
    const dockerfilePath = join(context, 'Dockerfile');
    const probePath = join(context, 'probe.json');
    const dockerfile = { text: readFileSync(dockerfilePath, 'utf8'), file: dockerfilePath };
    const fat = await buildImage(context, resources.image('scratchify-e2e-plugin:fat'));
    const archive = join(work, 'fat.tar');
    await saveImage(fat.tag, archive);

    const slimImage = async (result: SlimResult, tag: string): Promise<string> => {
      const output = join(work, `${tag.replace(/\W/g, '-')}.tar`);
      await writeImageArchive({ tree: result.image.tree, kept: result.analysis.kept, config: result.image.config, format: 'docker', output, reference: resources.image(tag) });
      await dockerOrThrow(['load', '--input', output]);
      return tag;
    };
    const staticOnly = (await slim({ dockerfile, image: { kind: 'archive', path: archive } })) as SlimResult;
    const traced = (await slim({ dockerfile, image: { kind: 'archive', path: archive }, trace: { probe: readProbeFile(probePath) } })) as SlimResult;
    const staticTag = await slimImage(staticOnly, 'scratchify-e2e-plugin:static');
    const tracedTag = await slimImage(traced, 'scratchify-e2e-plugin:traced');

    // What only the trace kept, and why: at least one file a check used, with the trace as its reason.
    const staticPaths = new Set(staticOnly.analysis.kept.map((path) => path.path));
    const added = traced.analysis.kept.filter((path) => !staticPaths.has(path.path) && path.type === 'file');
    const keptByTrace = (path: (typeof added)[number]): boolean => path.reasons.some((reason) => reason.rule === 'trace' && /^opened at run time by check \d+ of probe\.json$/.test(reason.detail));
    // The fixture's plugin is the sqlite3 extension module; a sample's is whatever only the trace kept.
    const plugin = added.find((path) => keptByTrace(path) && (context === SAMPLE || /\/_sqlite3\.[^/]*\.so$/.test(path.path)));
    expect(plugin).toBeDefined();
    if (context !== SAMPLE) {
      // The plugin brings its own library, which the static closure continues to from the traced root.
      expect(added.map((path) => path.path)).toEqual(expect.arrayContaining([expect.stringMatching(/\/libsqlite3\.so\.0[.\d]*$/)]));
    }

    const failing = await runCli(['verify', '--image', fat.tag, '--slim-image', staticTag, '--probe', probePath]);
    expect(failing.stderr).toBe('');
    expect(failing.stdout).toMatch(/FAIL/);
    expect(failing.stdout).toMatch(/first difference: /);
    if (context !== SAMPLE) expect(failing.stdout).toMatch(/first difference: status: 200 on fat, 500 on slim/);
    expect(failing.code).toBe(1);

    const passing = await runCli(['verify', '--image', fat.tag, '--slim-image', tracedTag, '--probe', probePath]);
    expect(passing.stderr).toBe('');
    expect(passing.stdout).toMatch(/verdict: the slim image behaves like the fat one/);
    expect(passing.code).toBe(0);

    const why = await runCli(['why', '--image-archive', archive, '--dockerfile', dockerfilePath, '--trace', probePath, plugin?.path ?? '']);
    expect(why.stderr).toBe('');
    expect(why.stdout).toMatch(new RegExp(`${plugin?.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: trace — opened at run time by check \\d+ of probe\\.json`));
    expect(why.code).toBe(0);
  }, 20 * 60_000);
});
