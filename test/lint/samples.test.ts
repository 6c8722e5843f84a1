/**
 * The bundled samples are legacy Dockerfiles with clean habits (caches removed, no recommends) that still
 * ship a distribution: lint must say so, and must not invent the problems they avoided. (The slim
 * Dockerfiles scratchify emits for them are linted in test/e2e/slim.test.ts, which has their images.)
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lint } from '../../src/lint/linter';

const SAMPLES = resolve(__dirname, '../../samples');

/** What a reader of each Dockerfile finds wrong with its final image (rule id → line). */
const EXPECTED: Record<string, Record<string, number>> = {
  'c-openssl-zlib': { 'final-stage-distribution': 11, 'final-stage-root': 11 },
  'entrypoint-script': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'go-server': { 'final-stage-distribution': 12 },
  'nginx-nonroot': { 'final-stage-distribution': 1 },
  'node-express': { 'final-stage-distribution': 1, 'final-stage-root': 1, 'build-tools-in-final-stage': 4, 'copy-whole-context': 12 },
  'python-app': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'apache-modules': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'graphviz-svg': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'imagemagick-thumbnail': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'locale-de-messages': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'perl-json-encode': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'php-pdo-sqlite': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'postgres-initdb': { 'final-stage-distribution': 1 },
  'python-ctypes-libmagic': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
  'python-gunicorn': { 'final-stage-distribution': 1 },
  'ruby-rackup': { 'final-stage-distribution': 1 },
  'runtime-plugin': { 'final-stage-distribution': 1 },
  'shell-in-strings': { 'final-stage-distribution': 1, 'final-stage-root': 1 },
};

const samples = readdirSync(SAMPLES).filter((name) => existsSync(join(SAMPLES, name, 'Dockerfile')));

describe('lint on the samples', () => {
  it('covers every sample', () => {
    expect(samples.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(samples)('%s gets exactly the expected findings', (name) => {
    const file = join(SAMPLES, name, 'Dockerfile');
    const result = lint({ dockerfile: { text: readFileSync(file, 'utf8'), file }, contextDir: join(SAMPLES, name) });
    expect(result.fatal).toBe(false);
    const found = Object.fromEntries(result.findings.map((finding) => [finding.ruleId, finding.location.line]));
    expect(found).toEqual(EXPECTED[name]);
    expect(result.findings).toHaveLength(Object.keys(EXPECTED[name]).length);
  });
});
