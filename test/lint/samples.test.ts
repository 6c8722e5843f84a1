/**
 * The bundled samples are legacy Dockerfiles with clean habits (caches removed, no recommends) that still
 * ship a distribution: lint must say so, and must not invent the problems they avoided. (The slim
 * Dockerfiles scratchify emits for them are linted in test/e2e/slim.test.ts, which has their images.)
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lint } from '../../src/lint/linter';

const SAMPLES = resolve(__dirname, '../../samples');

/**
 * What a reader of each Dockerfile finds wrong with it (rule id → lines): the final image on a distribution,
 * and the habits the hygiene rules report in every stage built (OS packages without versions, consecutive RUNs
 * in the final image).
 */
const EXPECTED: Record<string, Record<string, number[]>> = {
  'c-openssl-zlib': { 'final-stage-distribution': [11], 'final-stage-root': [11], 'unpinned-os-package': [4, 14] },
  'entrypoint-script': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4], 'consecutive-run': [7] },
  'go-server': { 'final-stage-distribution': [12], 'unpinned-os-package': [4, 15], 'consecutive-run': [18] },
  'nginx-nonroot': { 'final-stage-distribution': [1], 'unpinned-os-package': [4] },
  'node-express': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'build-tools-in-final-stage': [4], 'copy-whole-context': [12], 'unpinned-os-package': [4] },
  'python-app': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [7] },
  'apache-modules': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4], 'consecutive-run': [8] },
  'graphviz-svg': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4] },
  'imagemagick-thumbnail': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4] },
  'locale-de-messages': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4] },
  'perl-json-encode': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4] },
  'php-pdo-sqlite': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4] },
  'postgres-initdb': { 'final-stage-distribution': [1], 'consecutive-run': [8], 'unpinned-os-package': [9] },
  'python-ctypes-libmagic': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4, 8], 'consecutive-run': [7] },
  'python-gunicorn': { 'final-stage-distribution': [1], 'unpinned-os-package': [4, 8], 'consecutive-run': [7] },
  'ruby-rackup': { 'final-stage-distribution': [1], 'unpinned-os-package': [4], 'consecutive-run': [7] },
  'runtime-plugin': { 'final-stage-distribution': [1], 'unpinned-os-package': [4, 9], 'consecutive-run': [8] },
  'shell-in-strings': { 'final-stage-distribution': [1], 'final-stage-root': [1], 'unpinned-os-package': [4] },
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
    const found: Record<string, number[]> = {};
    for (const finding of result.findings) (found[finding.ruleId] ??= []).push(finding.location.line as number);
    for (const lines of Object.values(found)) lines.sort((a, b) => a - b);
    expect(found).toEqual(EXPECTED[name]);
  });
});
