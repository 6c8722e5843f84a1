import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { compiledFile } from '../support/dist';

const repo = join(__dirname, '..', '..');
const sample = join(repo, 'samples', 'go-server', 'Dockerfile');

/** Runs the CLI in-process and captures what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function tempDockerfile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-cli-'));
  const file = join(dir, 'Dockerfile');
  writeFileSync(file, text);
  return file;
}

describe('scratchify stages', () => {
  it('prints the stage graph and the runtime contract', async () => {
    const result = await run(['stages', sample]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\* 0 {2}build {12}FROM debian:bookworm/);
    expect(result.stdout).toMatch(/Needed for the target: build → 1/);
    expect(result.stdout).toMatch(/CMD {9}\["\/usr\/local\/bin\/go-server"\]/);
  });

  it('prints JSON with --json, honouring --target and --build-arg', async () => {
    const file = tempDockerfile('ARG BASE=debian:bookworm\nFROM $BASE AS build\nARG OUT=/out\nENV OUT=$OUT\nFROM build AS test\nFROM scratch\nCOPY --from=build /out /\n');
    const result = await run(['stages', file, '--json', '--target', 'TEST', '--build-arg', 'BASE=alpine:3.20', '--build-arg', 'OUT=/dist']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.target).toEqual({ index: 1, name: 'test' });
    expect(report.needed).toEqual(['build', 'test']);
    expect(report.unused).toEqual(['2']);
    expect(report.images).toEqual(['alpine:3.20']);
    expect(report.contract.env).toEqual({ OUT: '/dist' });
  });

  it('fails with one located line and exit 2 on a bad Dockerfile', async () => {
    const file = tempDockerfile('FROM a\nCOPY --chown 1 a b\n');
    const result = await run(['stages', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`scratchify: ${file}:2:6: missing a value on flag: chown (flags take --chown=value)\n`);
  });

  it('fails with exit 2 on an unknown target, a missing file, or an unknown option', async () => {
    expect((await run(['stages', sample, '--target', 'nope'])).stderr).toMatch(/target stage "nope" could not be found \(stages: build\)/);
    expect((await run(['stages', '/no/such/Dockerfile'])).code).toBe(2);
    expect((await run(['stages', '--bogus'])).code).toBe(2);
  });

  it('prints help with examples and the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect((await run(['stages', '--help'])).stdout).toMatch(/--build-arg <name=value>/);
    const version = await run(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('the built scratchify binary', () => {
  it('runs from package.json bin and never prints a stack trace for bad input', () => {
    // The global setup compiles dist/ when it is older than the sources; compiledFile fails if it still is.
    const bin = compiledFile(join(repo, 'src', 'cli', 'main.ts'));
    const good = spawnSync(process.execPath, [bin, 'stages', sample, '--json'], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout).target.index).toBe(1);
    const bad = spawnSync(process.execPath, [bin, 'stages', '-'], { input: 'FROM a\nRUN ["a", ["b"]]\n', encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('scratchify: <stdin>:2:1: only string arrays are allowed in JSON form, e.g. ["executable", "param1"]\n');
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const debug = spawnSync(process.execPath, [bin, '--debug', 'stages', '-'], { input: 'FROM a\nRUN ["a", ["b"]]\n', encoding: 'utf8' });
    expect(debug.stderr).toMatch(/\bat .*\.js:\d+/);
  });
});
