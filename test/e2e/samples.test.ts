/**
 * Every sample under samples/ builds with the real engine from its legacy Dockerfile, and the fat image it
 * produces passes the sample's own probe. This pins the baseline the slim images are later compared with:
 * a slim image that fails a probe is scratchify's fault only if the fat one passes it.
 */
import { existsSync, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { BuiltImage, DockerResources, describeWithDocker, startBuilds, RUN_ID } from '../support/docker';
import { CommandProbe, HttpProbe, loadProbe, runProbe } from '../support/probe';

const SAMPLES_DIR = resolve(__dirname, '../../samples');

/** The samples the rest of the test suite relies on; more may be added, none may disappear. */
const REQUIRED_SAMPLES = [
  'c-openssl-zlib', 'entrypoint-script', 'go-server', 'nginx-nonroot', 'node-express', 'python-app',
  // Programs whose files are chosen at run time (configuration, package metadata, locale, siblings, strings).
  'apache-modules', 'graphviz-svg', 'imagemagick-thumbnail', 'locale-de-messages', 'perl-json-encode', 'php-pdo-sqlite',
  'postgres-initdb', 'python-ctypes-libmagic', 'python-gunicorn', 'ruby-rackup', 'shell-in-strings',
  // A plugin named only by the request: what no static analysis can see.
  'runtime-plugin',
];

const sampleNames = readdirSync(SAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(SAMPLES_DIR, entry.name, 'Dockerfile')))
  .map((entry) => entry.name)
  .sort();

/** Cold builds that take longest (Debian's npm, Go's toolchain) start first so the others fill in around them. */
const SLOWEST_FIRST = ['node-express', 'go-server'];

/** A cold build downloads Debian packages; a cached one takes seconds. Builds run two at a time. */
const BUILD_AND_PROBE_TIMEOUT_MS = 15 * 60_000;

const tagOf = (name: string) => `scratchify-e2e-sample-${name}-${RUN_ID}:fat`;

describeWithDocker('samples build and pass their probes on the fat image', () => {
  const resources = new DockerResources();
  const built = new Map<string, BuiltImage>();
  let builds = new Map<string, Promise<BuiltImage>>();

  beforeAll(() => {
    const order = [...sampleNames].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    builds = startBuilds(order.map((name) => ({ context: join(SAMPLES_DIR, name), tag: resources.image(tagOf(name)) })));
  });

  afterAll(async () => {
    if (built.size > 0) {
      const rows = [...built.entries()].map(
        ([name, image]) =>
          `  ${name.padEnd(20)} ${(image.durationMs / 1000).toFixed(1).padStart(7)} s ${(image.sizeBytes / 1e6).toFixed(1).padStart(8)} MB`,
      );
      process.stdout.write(`\nsample builds (fat images, two at a time):\n${rows.join('\n')}\n`);
    }
    await resources.cleanup();
  });

  test('the sample set is complete', () => {
    expect(sampleNames).toEqual(expect.arrayContaining(REQUIRED_SAMPLES));
  });

  test.each(sampleNames)(
    '%s',
    async (name) => {
      const context = join(SAMPLES_DIR, name);
      const probe = loadProbe(join(context, 'probe.json'));
      const pending = builds.get(tagOf(name));
      if (!pending) throw new Error(`no build was started for ${name}`);
      const image = await pending;
      built.set(name, image);
      const result = await runProbe(image.tag, probe);
      if (!result.ok) throw new Error(`probe failed for ${name}:\n${result.detail}`);
      expect(result.ok).toBe(true);
    },
    BUILD_AND_PROBE_TIMEOUT_MS,
  );

  // A probe that passes everything proves nothing: the same images must fail probes that expect otherwise.
  describe('probes reject wrong behaviour', () => {
    const imageOf = (name: string): string => {
      const image = built.get(name);
      if (!image) throw new Error(`sample ${name} was not built; see its test above`);
      return image.tag;
    };

    test('a command probe fails on different output and reports what it saw', async () => {
      const probe = loadProbe(join(SAMPLES_DIR, 'c-openssl-zlib', 'probe.json')) as CommandProbe;
      const result = await runProbe(imageOf('c-openssl-zlib'), { ...probe, args: ['something else'] });
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/stdout does not match/);
      expect(result.detail).toMatch(/sha256\(something else\) = [0-9a-f]{64}/);
    }, 60_000);

    test('a command probe fails on a different exit code', async () => {
      const probe: CommandProbe = { kind: 'command', args: ['python3', '-c', 'raise SystemExit(3)'], expect: {} };
      const result = await runProbe(imageOf('python-app'), probe);
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/exit code 3, expected 0/);
    }, 60_000);

    test('an http probe fails when nothing listens on the port', async () => {
      const probe = loadProbe(join(SAMPLES_DIR, 'go-server', 'probe.json')) as HttpProbe;
      const result = await runProbe(imageOf('go-server'), { ...probe, port: probe.port + 1, timeoutMs: 3_000 });
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/nothing listened on port 8081/);
      expect(result.detail).toMatch(/server still running/);
    }, 60_000);

    test('an http probe fails on a wrong status and body', async () => {
      const probe = loadProbe(join(SAMPLES_DIR, 'nginx-nonroot', 'probe.json')) as HttpProbe;
      const result = await runProbe(imageOf('nginx-nonroot'), { ...probe, path: '/missing.html' });
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/status 404, expected 200/);
      expect(result.detail).toMatch(/body does not match/);
    }, 60_000);

    test('an http probe reports a server that exits at once', async () => {
      const probe = loadProbe(join(SAMPLES_DIR, 'node-express', 'probe.json')) as HttpProbe;
      const result = await runProbe(imageOf('node-express'), { ...probe, args: ['node', '-e', 'process.exit(4)'], timeoutMs: 3_000 });
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/exited/);
    }, 60_000);
  });
});

function rank(name: string): number {
  const index = SLOWEST_FIRST.indexOf(name);
  return index < 0 ? SLOWEST_FIRST.length : index;
}
