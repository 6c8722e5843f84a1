/**
 * docs/lint.md's examples are meant to be copied: the CI files must be valid YAML of the expected shape, and
 * the config example must load with the rules that exist.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadConfig } from '../../src/lint/config';
import { ALL_RULES } from '../../src/lint/rules';

const GUIDE = readFileSync(join(__dirname, '..', '..', 'docs', 'lint.md'), 'utf8');
const KNOWN_RULES = new Set(ALL_RULES.map((rule) => rule.meta.id));

function codeBlocks(language: string): string[] {
  return [...GUIDE.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm'))].map((match) => match[1]);
}

function parseYaml(text: string): unknown {
  const document = parseDocument(text);
  expect(document.errors.map((error) => error.message)).toEqual([]);
  return document.toJS();
}

interface WorkflowStep {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: unknown;
  jobs: Record<string, { 'runs-on': string; permissions?: Record<string, string>; steps: WorkflowStep[] }>;
}

const yamlBlocks = codeBlocks('yaml');
const workflows = yamlBlocks.filter((block) => /^jobs:/m.test(block)).map((block) => parseYaml(block) as Workflow);
const gitlabJobs = yamlBlocks.filter((block) => /^\s+script:/m.test(block) && !/^jobs:/m.test(block));
const configs = yamlBlocks.filter((block) => /^rules:/m.test(block));

describe('docs/lint.md', () => {
  it('has the examples this test checks: two GitHub workflows, one GitLab job, one config', () => {
    expect([workflows.length, gitlabJobs.length, configs.length]).toEqual([2, 1, 1]);
  });

  it('uploads SARIF from a job allowed to write security events, even when lint fails', () => {
    const job = Object.values(workflows[0].jobs)[0];
    expect(job.permissions?.['security-events']).toBe('write');
    const lintStep = job.steps.find((step) => step.run?.includes('scratchify lint'));
    expect(lintStep?.run).toContain('--format sarif -o scratchify.sarif');
    const upload = job.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload).toMatchObject({ uses: 'github/codeql-action/upload-sarif@v3', if: 'always()', with: { sarif_file: 'scratchify.sarif' } });
  });

  it('has an annotations workflow using --format github', () => {
    const runs = Object.values(workflows[1].jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));
    expect(runs.filter((run) => run.includes('scratchify lint')).every((run) => run.includes('--format github'))).toBe(true);
  });

  it('has a GitLab job that keeps the JSON report whatever the outcome and exits with lint’s code', () => {
    const jobs = parseYaml(gitlabJobs[0]) as Record<string, { script: string[]; artifacts: { when: string; paths: string[] } }>;
    const job = Object.values(jobs)[0];
    expect(job.script.some((line) => line.includes('--format json -o scratchify-lint.json || status=$?'))).toBe(true);
    expect(job.script[job.script.length - 1]).toBe('exit "${status:-0}"');
    expect(job.artifacts).toMatchObject({ when: 'always', paths: ['scratchify-lint.json'] });
  });

  it('shows a config file that loads, naming only rules that exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchify-docs-'));
    try {
      writeFileSync(join(dir, '.scratchify.yaml'), configs[0]);
      const config = loadConfig(join(dir, '.scratchify.yaml'), KNOWN_RULES);
      expect(config.failOn).toBe('warning');
      expect(Object.keys(config.rules).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names only existing rules in its pragma examples', () => {
    const named = codeBlocks('dockerfile').flatMap((block) =>
      [...block.matchAll(/# scratchify-ignore(?:-file)? ([^\n]*?)(?: -- .*)?$/gm)].flatMap((match) => match[1].split(/[\s,]+/).filter(Boolean)),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((id) => !KNOWN_RULES.has(id))).toEqual([]);
  });
});
