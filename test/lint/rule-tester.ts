/**
 * ESLint's RuleTester, for scratchify rules: tables of Dockerfiles a rule must accept (`valid`) and of
 * Dockerfiles with the findings it must report (`invalid`, by line and message). Every invalid case is also
 * run with a `# scratchify-ignore <rule>` pragma above each reported instruction, and once with
 * `# scratchify-ignore-file <rule>`, and must then report nothing: each rule's pragma test comes for free.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDockerfile } from '../../src/dockerfile';
import { lint } from '../../src/lint/linter';
import type { DockerfileLintRule, Finding } from '../../src/lint/types';

export interface RuleCase {
  /** Shown in the test name; default: the first line of the Dockerfile that is not a FROM. */
  name?: string;
  code: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Files of the build context (e.g. `.dockerignore`); the context is a temporary directory. */
  context?: Record<string, string>;
}

export interface InvalidCase extends RuleCase {
  /** Expected findings in order: line, and text or pattern the message must contain. */
  findings: Array<{ line: number; message?: string | RegExp }>;
}

function title(testCase: RuleCase): string {
  return testCase.name ?? testCase.code.split('\n').find((line) => line.trim() !== '' && !/^FROM\b/i.test(line))?.trim() ?? testCase.code.trim();
}

function run(rule: DockerfileLintRule, testCase: RuleCase, code = testCase.code): Finding[] {
  let contextDir: string | undefined;
  if (testCase.context) {
    contextDir = mkdtempSync(join(tmpdir(), 'scratchify-rule-'));
    for (const [path, content] of Object.entries(testCase.context)) {
      mkdirSync(dirname(join(contextDir, path)), { recursive: true });
      writeFileSync(join(contextDir, path), content);
    }
  }
  try {
    const result = lint({ dockerfile: { text: code, file: 'Dockerfile' }, contextDir, target: testCase.target, buildArgs: testCase.buildArgs, rules: [rule] });
    if (result.fatal) throw new Error(`test Dockerfile does not parse: ${result.findings[0].message}`);
    return result.findings;
  } finally {
    if (contextDir) rmSync(contextDir, { recursive: true, force: true });
  }
}

/** The code with `pragma` inserted above the instruction containing each line. */
function withPragmaAbove(code: string, lines: number[], pragma: string): string {
  const { dockerfile } = parseDockerfile(code, { strict: false });
  const instructions = [...dockerfile.preamble, ...dockerfile.stages.flatMap((stage) => [stage.from, ...stage.instructions])];
  const starts = new Set(
    lines.map((line) => instructions.find((instruction) => line >= instruction.range.startLine && line <= instruction.range.endLine)?.range.startLine ?? line),
  );
  return code
    .split('\n')
    .flatMap((text, index) => (starts.has(index + 1) ? [pragma, text] : [text]))
    .join('\n');
}

export function ruleTester(rule: DockerfileLintRule, cases: { valid: Array<string | RuleCase>; invalid: InvalidCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    it('has complete metadata', () => {
      const { meta } = rule;
      expect(meta.id).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      for (const text of [meta.description, meta.rationale, meta.fix]) expect(text.length).toBeGreaterThan(10);
    });

    describe('valid', () => {
      for (const entry of cases.valid) {
        const testCase = typeof entry === 'string' ? { code: entry } : entry;
        it(title(testCase), () => {
          expect(run(rule, testCase).map((finding) => `${finding.location.line}: ${finding.message}`)).toEqual([]);
        });
      }
    });

    describe('invalid', () => {
      for (const testCase of cases.invalid) {
        it(title(testCase), () => {
          const findings = run(rule, testCase);
          expect(findings.map((finding) => finding.location.line)).toEqual(testCase.findings.map((expected) => expected.line));
          findings.forEach((finding, index) => {
            const expected = testCase.findings[index].message;
            if (typeof expected === 'string') expect(finding.message).toContain(expected);
            else if (expected) expect(finding.message).toMatch(expected);
            expect(finding).toMatchObject({ ruleId: rule.meta.id, severity: rule.meta.severity });
            expect(finding.location.column).toBeGreaterThanOrEqual(1);
            expect(finding.location.endColumn).toBeGreaterThan(finding.location.column as number);
          });
        });
      }
    });

    describe('pragmas', () => {
      for (const testCase of cases.invalid) {
        it(`# scratchify-ignore ${rule.meta.id}: ${title(testCase)}`, () => {
          const lines = run(rule, testCase).map((finding) => finding.location.line as number);
          const ignored = withPragmaAbove(testCase.code, lines, `# scratchify-ignore ${rule.meta.id} -- tested`);
          expect(run(rule, testCase, ignored)).toEqual([]);
          // A pragma naming another rule changes nothing.
          const other = withPragmaAbove(testCase.code, lines, '# scratchify-ignore some-other-rule');
          expect(run(rule, testCase, other)).toHaveLength(testCase.findings.length);
        });
      }
      if (cases.invalid.length > 0) {
        it(`# scratchify-ignore-file ${rule.meta.id}`, () => {
          const testCase = cases.invalid[0];
          expect(run(rule, testCase, `# scratchify-ignore-file ${rule.meta.id}\n${testCase.code}`)).toEqual([]);
        });
      }
    });
  });
}
