/**
 * The real-world corpus (test/corpus/corpus.ts): every file parses or fails exactly as BuildKit does, lint
 * never fails on it, and lint's findings are the reviewed golden file. A finding that changes shows as a
 * failure here and, once `npm run corpus-findings` rewrites the golden file, as a diff to review.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ScratchifyError } from '../../src/errors';
import { lint } from '../../src/lint/linter';
import { describeStages } from '../../src/stages';
import {
  CORPUS_DIR,
  corpusFindings,
  corpusSources,
  corpusText,
  expectedVerdict,
  FINDINGS_PATH,
  readJson,
  VERDICTS_PATH,
  type CorpusFindings,
  type CorpusSource,
  type Verdicts,
} from './corpus';

const sources = corpusSources();
const verdicts = readJson<Verdicts>(VERDICTS_PATH);
const golden = readJson<CorpusFindings>(FINDINGS_PATH);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [relative(CORPUS_DIR, join(dir, entry.name)).split(sep).join('/')],
  );
}

/** scratchify's verdict on a file: the stage graph for its default target, as `scratchify stages` builds it. */
function scratchifyVerdict(source: CorpusSource): { verdict: 'accepted' | 'rejected'; message?: string; line?: number } {
  try {
    describeStages(corpusText(source), { file: source.id });
    return { verdict: 'accepted' };
  } catch (error) {
    if (!(error instanceof ScratchifyError)) throw error;
    return { verdict: 'rejected', message: error.message, line: error.location?.line };
  }
}

/** The findings of one rule on one corpus file, as `line rule severity` (without the message). */
function ruleFindings(id: string, ruleId: string): string[] {
  return golden[id]
    .filter((line) => line.split(' ')[1] === ruleId)
    .map((line) => {
      const [position, , severity] = line.split(' ');
      return `${position.split(':')[0]} ${severity.replace(/:$/, '')}`;
    });
}

describe('the real-world Dockerfile corpus', () => {
  it('holds at least 150 vendored files, each with its source, commit and licence, named in NOTICE', () => {
    expect(sources.length).toBeGreaterThanOrEqual(150);
    expect(filesUnder(CORPUS_DIR).sort()).toEqual(sources.map((source) => source.id).sort());
    const notice = readFileSync(join(CORPUS_DIR, '..', 'NOTICE'), 'utf8');
    for (const source of sources) {
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(notice).toContain(`${source.repo} (https://github.com/${source.repo}), commit ${source.commit}\n`);
      expect(notice).toContain(`\n  ${source.path}  [${source.license}]\n`);
      expect(existsSync(join(CORPUS_DIR, '..', 'licenses', source.repo.replace('/', '+'), 'LICENSE'))).toBe(true);
    }
  });

  it('has a recorded BuildKit verdict and reviewed findings for every file, and nothing else', () => {
    const ids = sources.map((source) => source.id).sort();
    expect(Object.keys(verdicts).sort()).toEqual(ids);
    expect(Object.keys(golden).sort()).toEqual(ids);
    // Where current BuildKit accepts what the engine's older frontend refused, a reviewed reason says why.
    for (const recorded of Object.values(verdicts)) if (recorded.current) expect(recorded.current.reason.length).toBeGreaterThan(20);
  });

  it.each(sources.map((source) => [source.id, source] as const))('%s: parsed as BuildKit does, and linted as reviewed', (id, source) => {
    const expected = expectedVerdict(verdicts[id]);
    const ours = scratchifyVerdict(source);
    expect(ours.verdict).toBe(expected.verdict);
    const result = lint({ dockerfile: { text: corpusText(source), file: id } });
    if (expected.verdict === 'rejected') {
      // BuildKit's message, without the engine's "dockerfile parse error line N:" prefix, and its line.
      expect(ours.message).toContain((expected.message ?? '').replace(/^dockerfile parse error line \d+: /, ''));
      if (expected.line !== undefined) expect(ours.line).toBe(expected.line);
      expect(result.fatal).toBe(true);
    } else {
      expect(result.fatal).toBe(false);
    }
    expect(corpusFindings(source)).toEqual(golden[id]);
  });
});

describe('issue 17 on the corpus: the real shapes', () => {
  const everyFinding = Object.entries(golden).flatMap(([id, lines]) => lines.map((line) => ({ id, rule: line.split(' ')[1], line })));

  it('reports no public GPG key fingerprint as a secret (ENV GPG_KEY in the official language images)', () => {
    expect(sources.filter((source) => /^ENV GPG_KEYS? /m.test(corpusText(source))).length).toBeGreaterThan(10);
    expect(everyFinding.filter(({ rule }) => rule === 'secret-in-arg-env')).toEqual([]);
  });

  it('reports no package cache for `apk add --no-network` (redis) or a `yarn --version` smoke test (node)', () => {
    expect(corpusText(sources.find((source) => source.id === 'docker-library/redis/7.0/alpine/Dockerfile')!)).toContain('apk add --no-network');
    expect(corpusText(sources.find((source) => source.id === 'nodejs/docker-node/24/alpine3.23/Dockerfile')!)).toContain('yarn --version');
    expect(everyFinding.filter(({ rule }) => rule === 'package-cache-not-cleaned')).toEqual([]);
  });

  it('takes distroless :nonroot-<arch> as setting a user (prometheus Dockerfile.distroless)', () => {
    expect(ruleFindings('prometheus/prometheus/Dockerfile.distroless', 'final-stage-root')).toEqual([]);
    // distroless without :nonroot runs as root, and lint says so.
    expect(ruleFindings('GoogleContainerTools/distroless/examples/cc/Dockerfile', 'final-stage-root')).toEqual(['6 warning']);
  });

  it('reports a base image’s own Dockerfile at info: the golang images carry compilers on purpose', () => {
    expect(ruleFindings('docker-library/golang/1.26/bookworm/Dockerfile', 'build-tools-in-final-stage')).toEqual(['101 info', '107 info']);
    expect(ruleFindings('docker-library/golang/1.26/alpine3.23/Dockerfile', 'final-stage-root')).toEqual(['113 info']);
  });

  it('finds the problems hadolint and BuildKit users expect, where they are', () => {
    const ids = (rule: string) => new Set(everyFinding.filter((finding) => finding.rule === rule).map((finding) => finding.id)).size;
    // The python images write `ENV PYTHON_VERSION 3.13.x`, the legacy form; apt and apk installs without versions.
    expect(ruleFindings('docker-library/python/3.13/slim-bookworm/Dockerfile', 'legacy-key-value-format').length).toBeGreaterThan(0);
    expect(ids('legacy-key-value-format')).toBeGreaterThan(100);
    expect(ids('unpinned-os-package')).toBeGreaterThan(100);
    expect(ids('pipe-without-pipefail')).toBeGreaterThan(50);
    // `wget -O- … | sh` in buildx's lint Dockerfile; `FROM golang:1.18 as build` in distroless's go example.
    expect(ruleFindings('docker/buildx/hack/dockerfiles/lint.Dockerfile', 'pipe-download-to-shell')).toEqual(['35 warning']);
    expect(ruleFindings('GoogleContainerTools/distroless/examples/go/Dockerfile', 'from-as-casing')).toEqual(['1 info']);
  });

  it('reads Windows images with BuildKit’s Windows paths: WORKDIR C:\\go is \\go', () => {
    const source = sources.find((candidate) => candidate.id === 'docker-library/golang/1.26/windows/nanoserver-ltsc2022/Dockerfile')!;
    expect(describeStages(corpusText(source), { file: source.id }).contract.workdir).toBe('\\go');
  });
});
