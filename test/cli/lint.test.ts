/**
 * `scratchify lint` end to end in-process: exit codes, formats, config, pragmas, the waste gate over a real
 * (small) image archive, and bad input (one finding with location in every format, exit 2).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { configFor, dockerLegacyArchive, layer } from '../image/image-builder';
import { debianProgram } from '../support/debian-binaries';

const FAT = [
  'FROM debian:12',
  'RUN apt-get update && apt-get install -y gcc',
  'COPY app /app',
  'CMD /app --serve',
  '',
].join('\n');

function project(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-lint-cli-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('scratchify lint', () => {
  it('reports findings as file:line:col with the rule id, and exits 1 at the default threshold', async () => {
    const dir = project(FAT);
    const result = await runCli(['lint', join(dir, 'Dockerfile')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(dir, 'Dockerfile')}:4:1`);
    expect(result.stdout).toContain('shell-form-command');
    expect(result.stderr).toBe('');
  });

  it('--fail-on error lets warnings pass; json output is parseable and complete', async () => {
    const dir = project(FAT);
    const result = await runCli(['lint', join(dir, 'Dockerfile'), '--fail-on', 'error', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding: { severity: string }) => finding.severity !== 'error')).toBe(true);
    expect(report.findings.find((finding: { ruleId: string }) => finding.ruleId === 'shell-form-command').location).toMatchObject({ line: 4, column: 1 });
  });

  it('exits 0 for a minimal Dockerfile', async () => {
    const dir = project('FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT ["/app"]\n', { '.dockerignore': '.git\n' });
    const result = await runCli(['lint', join(dir, 'Dockerfile'), '--format', 'json']);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
    expect(result.code).toBe(0);
  });

  it.each(['text', 'json', 'sarif', 'github', 'checkstyle'])('an unparsable Dockerfile is one located error finding in %s, exit 2', async (format) => {
    const dir = project('FROM debian:12\nCOPY --bogus=1 a b\n');
    const result = await runCli(['lint', join(dir, 'Dockerfile'), '--format', format]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('dockerfile-syntax');
    expect(result.stdout).toMatch(/\b2\b/);
    if (format === 'json') expect(JSON.parse(result.stdout)).toMatchObject({ fatal: true, findings: [{ ruleId: 'dockerfile-syntax', location: { line: 2 } }] });
  });

  it('reads .scratchify.yaml next to the Dockerfile: rules off, severities, failOn', async () => {
    const dir = project(FAT, { '.scratchify.yaml': 'failOn: error\nrules:\n  shell-form-command: error\n' });
    const result = await runCli(['lint', join(dir, 'Dockerfile'), '--format', 'json']);
    const report = JSON.parse(result.stdout);
    expect(report.findings.find((finding: { ruleId: string }) => finding.ruleId === 'shell-form-command').severity).toBe('error');
    expect(result.code).toBe(1);
    const off = project(FAT, { '.scratchify.json': '{"rules": {"shell-form-command": "off"}}' });
    const quiet = JSON.parse((await runCli(['lint', join(off, 'Dockerfile'), '--format', 'json'])).stdout);
    expect(quiet.findings.map((finding: { ruleId: string }) => finding.ruleId)).not.toContain('shell-form-command');
  });

  it('a bad config file is a one-line error with file:line, exit 2', async () => {
    const dir = project(FAT, { '.scratchify.yaml': 'rules:\n  no-such-rule: warning\n' });
    const result = await runCli(['lint', join(dir, 'Dockerfile')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`scratchify: ${join(dir, '.scratchify.yaml')}:2:3: unknown rule "no-such-rule" (scratchify lint --list-rules shows them)\n`);
  });

  it('honours # scratchify-ignore above the instruction', async () => {
    const dir = project(FAT.replace('CMD /app', '# scratchify-ignore shell-form-command -- wrapper script handles signals\nCMD /app'));
    const report = JSON.parse((await runCli(['lint', join(dir, 'Dockerfile'), '--format', 'json'])).stdout);
    expect(report.findings.map((finding: { ruleId: string }) => finding.ruleId)).not.toContain('shell-form-command');
  });

  it('-o writes the report and nothing else; usage errors exit 2 without writing', async () => {
    const dir = project(FAT);
    const out = join(dir, 'report.sarif');
    const result = await runCli(['lint', join(dir, 'Dockerfile'), '--format', 'sarif', '-o', out]);
    expect(result.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
    const before = readdirSync(dir).sort();
    const bad = await runCli(['lint', join(dir, 'Dockerfile'), '--max-waste-percent', '10', '-o', join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^scratchify: --max-waste-percent and --max-waste-bytes measure an image/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect((await runCli(['lint', join(dir, 'Dockerfile'), '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['lint', join(dir, 'missing')])).code).toBe(2);
  });

  it('--list-rules lists every rule with kind and severity', async () => {
    const result = await runCli(['lint', '--list-rules']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^shell-form-command\s+dockerfile\s+warning\s+/m);
    expect(result.stdout).toMatch(/^unneeded-bytes\s+image\s+info\s+/m);
  });

  it('gates an image on unneeded bytes (--max-waste-percent) and reports the slim size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchify-lint-image-'));
    const layers = [await layer([{ name: 'app', content: debianProgram(), mode: 0o755 }, { name: 'usr/share/doc/big.txt', content: 'x'.repeat(200_000) }])];
    const archive = join(dir, 'image.tar');
    writeFileSync(archive, await dockerLegacyArchive(layers, configFor(layers, { Entrypoint: ['/app'] })));
    const passing = await runCli(['lint', '--image-archive', archive, '--format', 'json']);
    expect(existsSync('Dockerfile')).toBe(false);
    expect(passing.code).toBe(0);
    const report = JSON.parse(passing.stdout);
    expect(report.image).toMatchObject({ source: archive, imageBytes: expect.any(Number) });
    expect(report.findings.find((finding: { ruleId: string }) => finding.ruleId === 'unneeded-bytes').severity).toBe('info');
    const gated = await runCli(['lint', '--image-archive', archive, '--max-waste-percent', '50']);
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/unneeded-bytes/);
    expect(gated.stdout).toMatch(/more than the allowed 50%/);
  });
});

describe('scratchify lint: the build context of missing-dockerignore', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A repository with its `.dockerignore` at the root and a Dockerfile in `app/` that copies the context. */
  function repository(): string {
    const root = mkdtempSync(join(tmpdir(), 'scratchify-lint-context-'));
    dirs.push(root);
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, '.dockerignore'), '.git\nnode_modules\n');
    writeFileSync(join(root, 'app', 'Dockerfile'), 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n');
    return root;
  }

  it('takes the repository root’s .dockerignore when --context is not given (docker build -f app/Dockerfile .)', async () => {
    const root = repository();
    const result = await runCli(['lint', join(root, 'app', 'Dockerfile'), '--format', 'json']);
    expect(JSON.parse(result.stdout).findings.map((finding: { ruleId: string }) => finding.ruleId)).not.toContain('missing-dockerignore');
  });

  it('judges the context --context names', async () => {
    const root = repository();
    const result = await runCli(['lint', join(root, 'app', 'Dockerfile'), '--context', join(root, 'app'), '--format', 'json']);
    const findings = JSON.parse(result.stdout).findings as { ruleId: string; message: string }[];
    const missing = findings.filter((finding) => finding.ruleId === 'missing-dockerignore');
    expect(missing).toHaveLength(1);
    expect(missing[0].message).not.toContain('the context is taken to be');
  });
});
