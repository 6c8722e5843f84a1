/**
 * Parts of the self-contained collector's script run by the host's sh against hostile file names: a name that
 * ends in a newline must not end the closure rounds early, and a directory name holding a newline must not make
 * the collector keep the directories its halves name. (The whole script writes /.scratchify-root, so only these
 * parts run here, taken from the emitted text.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile } from '../../src/dockerfile';
import { emitSelfContained } from '../../src/emit/dockerfile';
import { resolveStages } from '../../src/stages';

function collectorScript(): string {
  const text = 'FROM debian:bookworm-slim\nCMD ["/usr/bin/true"]\n';
  const { dockerfile } = parseDockerfile(text);
  const graph = resolveStages(dockerfile);
  const stage = graph.stages[graph.target];
  const emitted = emitSelfContained({ text, dockerfile, target: graph.target, contract: stage.contract, copies: stage.copies, keep: [] });
  const run = emitted.replace(/ \\\n\s*/g, ' ').split('\n').find((line) => line.startsWith('RUN ["/bin/sh", "-c", "R='));
  if (run === undefined) throw new Error('no collector RUN in the emitted Dockerfile');
  return (JSON.parse(run.slice(4)) as string[])[2];
}

const script = collectorScript();
const lines = script.split('\n');
const fresh = lines.slice(lines.indexOf('fresh() {'), lines.indexOf('}', lines.indexOf('fresh() {')) + 1).join('\n');
const scratchStart = script.lastIndexOf('set -f', script.indexOf('find /tmp /var/tmp'));
const scratchDirs = scratchStart < 0 ? undefined : script.slice(scratchStart, script.indexOf('set +f', scratchStart) + 'set +f'.length);

describe('the collector script with hostile names', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'scratchify-collector-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test('fresh: an empty line (a name ending in a newline) does not hide the paths after it', () => {
    const sh = (input: string) => execFileSync('sh', ['-c', `W=${JSON.stringify(work)}\n${fresh}\nfresh closure`], { input, encoding: 'utf8' });
    expect(sh('/r/a\n\n/r/b\n')).toBe('/r/a\n/r/b\n');
    // The next round gets only what it has not had.
    expect(sh('/r/a\n/r/b\n/r/c\n')).toBe('/r/c\n');
  });

  test('directories under /tmp: kept by their whole names; a name with a newline is left out, not split', () => {
    expect(scratchDirs).toBeDefined();
    mkdirSync(join(work, 'app-temp'));
    mkdirSync(join(work, 'evil\n/etc'), { recursive: true });
    // The host's /tmp holds more; only what this test made (and what a split would name) is printed.
    const keepDir = `keep_dir() { case $1 in ${JSON.stringify(work)}*|/etc) printf '%s\\n' "$1" ;; esac; }`;
    const kept = execFileSync('sh', ['-c', `${keepDir}\n${scratchDirs}`], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
    expect(kept).toContain(join(work, 'app-temp'));
    expect(kept).not.toContain('/etc');
    expect(kept.some((line) => line.startsWith(`${join(work, 'evil')}`))).toBe(false);
  });
});
