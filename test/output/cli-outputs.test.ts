/**
 * Every file the CLI writes goes through the output writer: `slim -o`, `--report`, `--oci-archive`,
 * `--docker-archive` and `lint -o` refuse a symlink (to a file or dangling) and a directory at the path, and two
 * outputs on one file, with one line on stderr, exit 2 and nothing written; `-o -` is standard output. (Device
 * nodes and FIFOs: special-files.host.test.ts; signals and an unwritable directory, which need the built CLI
 * in a process of its own: signals.host.test.ts.)
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { configFor, dockerLegacyArchive, layer, tempDir } from '../image/image-builder';

let inputs: string;
let archive: string;
let dockerfile: string;
let dir: string;

beforeAll(async () => {
  inputs = tempDir('scratchify-cli-outputs-in-');
  const app = await layer([
    { name: 'app/', type: 'directory' },
    { name: 'app/run', content: '#!/app/run\n', mode: 0o755 },
  ]);
  archive = join(inputs, 'image.tar');
  fs.writeFileSync(archive, await dockerLegacyArchive([app], configFor([app], { Entrypoint: ['/app/run'] })));
  dockerfile = join(inputs, 'Dockerfile');
  fs.writeFileSync(dockerfile, 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app/run"]\n');
});

afterAll(() => fs.rmSync(inputs, { recursive: true, force: true }));

beforeEach(() => {
  dir = tempDir('scratchify-cli-outputs-');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const listing = (): string[] => fs.readdirSync(dir).sort();

/** The command line that writes its output at `path`, every other output of it going to standard output. */
const COMMANDS: Record<string, (path: string) => string[]> = {
  'slim -o': (path) => ['slim', dockerfile, '--image-archive', archive, '-o', path],
  'slim --report': (path) => ['slim', dockerfile, '--image-archive', archive, '--report', path],
  'slim --oci-archive': (path) => ['slim', dockerfile, '--image-archive', archive, '--oci-archive', path],
  'slim --docker-archive': (path) => ['slim', dockerfile, '--image-archive', archive, '--docker-archive', path],
  'lint -o': (path) => ['lint', dockerfile, '-o', path],
};

const CASES: Array<[string, () => void, RegExp]> = [
  ['a symlink to a file', () => fs.symlinkSync(join(dir, 'victim'), join(dir, 'out')), /it is a symbolic link, not a regular file/],
  ['a dangling symlink', () => fs.symlinkSync(join(dir, 'nowhere'), join(dir, 'out')), /it is a symbolic link, not a regular file/],
  ['a directory', () => fs.mkdirSync(join(dir, 'out')), /it is a directory, not a regular file/],
];

function expectOneLine(stderr: string, message: RegExp | string): void {
  expect(stderr.split('\n')).toHaveLength(2);
  if (typeof message === 'string') expect(stderr).toBe(`scratchify: ${message}\n`);
  else expect(stderr).toMatch(message);
}

describe.each(Object.keys(COMMANDS))('%s', (command) => {
  it.each(CASES)('refuses %s at the path, writing nothing', async (_what, make, message) => {
    fs.writeFileSync(join(dir, 'victim'), 'precious');
    make();
    const before = listing();
    const result = await runCli(COMMANDS[command](join(dir, 'out')));
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, message);
    expect(result.stdout).toBe('');
    expect(listing()).toEqual(before);
    expect(fs.readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious');
    expect(fs.existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('replaces a regular file, leaving nothing else behind', async () => {
    fs.writeFileSync(join(dir, 'out'), 'old');
    const result = await runCli(COMMANDS[command](join(dir, 'out')));
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
    expect(fs.readFileSync(join(dir, 'out'), 'utf8')).not.toBe('old');
    expect(listing()).toEqual(['out']);
  });
});

describe('two outputs on one file', () => {
  it.each([
    ['-o X --report X', (x: string) => ['-o', x, '--report', x], (x: string) => `-o ${x} and --report ${x} name the same file`],
    ['-o X --oci-archive ./X', (x: string) => ['-o', x, '--oci-archive', `${dir}/./out`], (x: string) => `-o ${x} and --oci-archive ${dir}/./out name the same file`],
    [
      '-o X --docker-archive LINK/X (a symlinked directory)',
      (x: string) => ['-o', x, '--docker-archive', join(dir, 'link', 'out')],
      (x: string) => `-o ${x} and --docker-archive ${join(dir, 'link', 'out')} name the same file`,
    ],
  ])('refuses %s before writing anything', async (_what, options, message) => {
    fs.symlinkSync(dir, join(dir, 'link'));
    fs.writeFileSync(join(dir, 'out'), 'old');
    const result = await runCli(['slim', dockerfile, '--image-archive', archive, ...options(join(dir, 'out'))]);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, message(join(dir, 'out')));
    expect(listing()).toEqual(['link', 'out']);
    expect(fs.readFileSync(join(dir, 'out'), 'utf8')).toBe('old');
  });

  it('refuses --report - when the Dockerfile goes to standard output too, and an archive to standard output', async () => {
    const both = await runCli(['slim', dockerfile, '--image-archive', archive, '--report', '-']);
    expect(both.code).toBe(2);
    expectOneLine(both.stderr, '-o and --report cannot both write to standard output (give one of them a file)');
    const archiveOut = await runCli(['slim', dockerfile, '--image-archive', archive, '--oci-archive', '-']);
    expect(archiveOut.code).toBe(2);
    expectOneLine(archiveOut.stderr, '--oci-archive -: this output cannot go to standard output; give a file name');
  });
});

describe('standard output', () => {
  it('-o - prints the Dockerfile; --report - prints the report when -o names a file', async () => {
    const dash = await runCli(['slim', dockerfile, '--image-archive', archive, '-o', '-']);
    expect(dash.code).toBe(0);
    expect(dash.stdout).toMatch(/^FROM scratch/m);
    const report = await runCli(['slim', dockerfile, '--image-archive', archive, '-o', join(dir, 'Dockerfile.slim'), '--report', '-']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).schemaVersion).toBe(1);
    expect(listing()).toEqual(['Dockerfile.slim']);
    const lint = await runCli(['lint', dockerfile, '-o', '-', '--format', 'json']);
    expect(JSON.parse(lint.stdout).schemaVersion).toBe(1);
  });
});

describe('a later output failing', () => {
  it('leaves every earlier output as it was (nothing is installed until all are written)', async () => {
    for (const name of ['Dockerfile.slim', 'report.json', 'docker.tar']) fs.writeFileSync(join(dir, name), 'old');
    // The tag is checked when the archive is written, after the analysis: the run fails at its last step.
    const result = await runCli([
      'slim', dockerfile, '--image-archive', archive,
      '-o', join(dir, 'Dockerfile.slim'), '--report', join(dir, 'report.json'), '--docker-archive', join(dir, 'docker.tar'), '--tag', 'Not:A:Tag',
    ]);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /^scratchify: invalid image reference "Not:A:Tag"/);
    expect(listing()).toEqual(['Dockerfile.slim', 'docker.tar', 'report.json']);
    for (const name of listing()) expect(fs.readFileSync(join(dir, name), 'utf8')).toBe('old');
  });
});
