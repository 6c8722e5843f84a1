/**
 * Records BuildKit's verdict on every corpus file with the local engine (`node dist/scripts/corpus-verdicts.js`
 * after `npm run build`; needs Docker with BuildKit). Each file is built from an empty context, two builds at a
 * time. The engine's frontend cannot pull images here, so a build that gets as far as resolving a base image
 * (or builds, for FROM scratch) counts as accepted; a parse or instruction error is a rejection, with its
 * message and line. A `# syntax=` line is removed first (the engine cannot pull a frontend image either) and
 * error lines are counted in the original file. Reviewed notes on where current BuildKit differs from the
 * engine's older frontend (`current`) are kept from the previous file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusSources, corpusText, readJson, VERDICTS_PATH, type Verdict, type Verdicts } from '../test/corpus/corpus';

const DOCKER = process.env.SCRATCHIFY_DOCKER ?? '/usr/bin/docker';

/** Errors that come after the frontend accepted the Dockerfile: resolving or pulling an image, or the build itself. */
const LATER_FAILURE = /failed to do request|pull access denied|failed to resolve source metadata|no such host|failed to authorize|failed to fetch|manifest unknown|executor failed running|failed to compute cache key|did not complete successfully|not found: not found|failed to copy|process ".*" did not/i;

/** The Dockerfile without its `# syntax=` directive, and the line it removed (0 when none). */
export function withoutSyntaxDirective(text: string): { text: string; removedLine: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*#\s*syntax\s*=/i.test(line)) {
      lines.splice(i, 1);
      return { text: lines.join('\n'), removedLine: i + 1 };
    }
    if (!/^\s*#\s*[a-zA-Z][a-zA-Z0-9]*\s*=/.test(line)) break;
  }
  return { text, removedLine: 0 };
}

/** The verdict a `docker build` output says. */
export function verdictOf(output: string, exitCode: number, removedLine: number): Verdict {
  if (exitCode === 0) return { verdict: 'accepted' };
  const failure = output.split('\n').reverse().find((line) => /failed to solve|error:|ERROR/.test(line)) ?? output.trim().split('\n').pop() ?? '';
  if (LATER_FAILURE.test(failure)) return { verdict: 'accepted' };
  const message = failure.replace(/^.*failed to create LLB definition: /, '').replace(/^.*failed to solve with frontend dockerfile\.v0: /, '').trim();
  const match = /(?:parse error )?line (\d+)/.exec(message);
  const line = match ? Number(match[1]) : undefined;
  return { verdict: 'rejected', message, ...(line !== undefined ? { line: removedLine > 0 && line >= removedLine ? line + 1 : line } : {}) };
}

/** Runs one build; resolves with the verdict. */
export function engineVerdict(text: string): Promise<Verdict> {
  const { text: built, removedLine } = withoutSyntaxDirective(text);
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-verdict-'));
  const context = join(dir, 'context');
  mkdirSync(context);
  writeFileSync(join(dir, 'Dockerfile'), built);
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, ['build', '--no-cache', '--progress=plain', '-f', join(dir, 'Dockerfile'), '-o', `type=local,dest=${join(dir, 'out')}`, context], {
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(verdictOf(output, code ?? 1, removedLine));
    });
  });
}

/** Maps `items` through `task`, `limit` at a time, keeping the order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main(): Promise<void> {
  const sources = corpusSources();
  let previous: Verdicts = {};
  try {
    previous = readJson<Verdicts>(VERDICTS_PATH);
  } catch {
    previous = {};
  }
  const verdicts = await inParallel(sources, 2, (source) => engineVerdict(corpusText(source)));
  const recorded: Verdicts = {};
  sources.forEach((source, index) => {
    const current = previous[source.id]?.current;
    recorded[source.id] = { engine: verdicts[index], ...(current ? { current } : {}) };
  });
  writeFileSync(VERDICTS_PATH, `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(`recorded ${sources.length} verdicts in ${VERDICTS_PATH}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
