/**
 * The real-world Dockerfile corpus: Dockerfiles from permissively licensed public repositories (official
 * language and server images, distroless, BuildKit and buildx themselves, applications), listed in
 * `sources.tsv` (owner/repo, path, commit, licence) and vendored unchanged under `files/<owner>/<repo>/<path>`;
 * `NOTICE` names each source and its licence, whose text is in `licenses/`.
 *
 * What the project keeps about each file: BuildKit's verdict on it (`verdicts.json`, recorded once with the
 * engine by `scripts/corpus-verdicts.ts`, re-checked in the e2e tier) and the lint findings on it
 * (`findings.expected.json`, rewritten by `scripts/corpus-findings.ts`, reviewed like code).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lint } from '../../src/lint/linter';

export interface CorpusSource {
  /** `owner/repo/path`: how the verdict and findings files name the file. */
  id: string;
  repo: string;
  path: string;
  commit: string;
  license: string;
}

/** The repository root (the folder with package.json), from the source tree or from its build under dist/. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const SOURCE_ROOT = repositoryRoot();

export const VERDICTS_PATH = join(SOURCE_ROOT, 'test', 'corpus', 'verdicts.json');
export const FINDINGS_PATH = join(SOURCE_ROOT, 'test', 'corpus', 'findings.expected.json');

export function corpusSources(): CorpusSource[] {
  const text = readFileSync(join(SOURCE_ROOT, 'test', 'corpus', 'sources.tsv'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [repo, path, commit, license] = line.split('\t');
      return { id: `${repo}/${path}`, repo, path, commit, license };
    });
}

/** The folder holding the vendored corpus files. */
export const CORPUS_DIR = join(SOURCE_ROOT, 'test', 'corpus', 'files');

/** The text of one corpus file. */
export function corpusText(source: CorpusSource): string {
  return readFileSync(join(CORPUS_DIR, source.repo, source.path), 'utf8');
}

/**
 * BuildKit's verdict on a corpus file. `accepted`: the frontend parsed it and checked its instructions (with no
 * registry reachable the engine then fails resolving a base image; a FROM scratch file may build). `rejected`:
 * the frontend refused it, with its message and line.
 */
export interface Verdict {
  verdict: 'accepted' | 'rejected';
  message?: string;
  line?: number;
}

export interface RecordedVerdict {
  /** What the engine on this machine (Docker 20.10's built-in BuildKit frontend) said. */
  engine: Verdict;
  /**
   * What current BuildKit says, when it differs from the engine's older frontend, and why (a reviewed note:
   * heredocs, newer flags). scratchify's parser follows current BuildKit.
   */
  current?: Verdict & { reason: string };
}

export type Verdicts = Record<string, RecordedVerdict>;

/** The verdict scratchify must give: current BuildKit's where it differs from the engine's, else the engine's. */
export function expectedVerdict(recorded: RecordedVerdict): Verdict {
  if (recorded.current === undefined) return recorded.engine;
  const { reason: _reason, ...verdict } = recorded.current;
  return verdict;
}

/** Lint findings per corpus file, one line each: `line:column rule severity: message`. */
export type CorpusFindings = Record<string, string[]>;

/** Lints one corpus file as `scratchify lint` does without a build context, and writes its findings as lines. */
export function corpusFindings(source: CorpusSource): string[] {
  const result = lint({ dockerfile: { text: corpusText(source), file: source.id } });
  return result.findings.map((finding) => `${finding.location.line ?? 0}:${finding.location.column ?? 0} ${finding.ruleId} ${finding.severity}: ${finding.message}`);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
