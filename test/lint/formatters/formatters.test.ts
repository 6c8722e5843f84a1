/**
 * Every output format over the same results: findings with real ranges, a fatal parse error, an image
 * finding without a line, and none at all. SARIF is validated against the official 2.1.0 schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMATS, formatResult, lineHashes, lintJson, sarifLog, type FormatName, type FormatOptions } from '../../../src/lint/formatters';
import { lint } from '../../../src/lint/linter';
import { secretInArgEnv } from '../../../src/lint/rules/secret-in-arg-env';
import { shellFormCommand } from '../../../src/lint/rules/shell-form-command';
import { unneededBytes } from '../../../src/lint/rules/unneeded-bytes';
import type { LintResult } from '../../../src/lint/types';
import { sarifSchemaErrors } from '../../support/sarif-schema';

const DOCKERFILE = 'FROM debian:12\nENV DB_PASSWORD=x\nCMD /app --serve\n';
const dir = mkdtempSync(join(tmpdir(), 'scratchify-formats-'));
writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
const options = { cwd: dir, toolVersion: '9.9.9' };

// Two fixed rules, so that rules added to the registry do not change what these tests see.
const rules = [secretInArgEnv, shellFormCommand];
const withFindings = lint({ dockerfile: { text: DOCKERFILE, file: join(dir, 'Dockerfile') }, rules });
const fatal = lint({ dockerfile: { text: 'FROM debian:12\nCOPY --nope a b\n', file: join(dir, 'Dockerfile') }, rules });
const clean = lint({ dockerfile: { text: 'FROM scratch\nCOPY app /app\nUSER 1000\nENTRYPOINT ["/app"]\n', file: join(dir, 'Dockerfile') }, rules });
const imageOnly: LintResult = {
  file: 'app.tar',
  fatal: false,
  rules: [unneededBytes.meta],
  findings: [{ ruleId: 'unneeded-bytes', severity: 'error', message: 'x <&> "quoted" \'single\' 100% done\nnext line, with: colons', location: { file: 'app.tar' }, fix: 'slim it' }],
  image: { source: 'app.tar', imageBytes: 100e6, keptBytes: 10e6, unneededBytes: 90e6, unneededPercent: 90, layerWasteBytes: 1e6, efficiency: 0.99 },
};

/** How each format shows the parse error's position, line 2 column 6 (`--nope`). */
const FATAL_POSITION: Record<FormatName, RegExp> = {
  text: /Dockerfile:2:6: error: unknown flag: nope \[dockerfile-syntax\]/,
  json: /"line": 2,\s+"column": 6,/,
  sarif: /"startLine": 2,\s+"startColumn": 6,/,
  github: /^::error file=Dockerfile,line=2,endLine=2,col=6,endColumn=15,title=dockerfile-syntax::unknown flag: nope/m,
  checkstyle: /<error line="2" column="6" severity="error" message="unknown flag: nope" source="scratchify.dockerfile-syntax"\/>/,
};

describe('every format', () => {
  it.each(FORMATS)('%s renders findings, a fatal parse error, an image-only finding and no findings', (format) => {
    expect(withFindings.findings.length).toBe(2);
    const shown = formatResult(format, withFindings, options);
    for (const finding of withFindings.findings) expect(shown).toContain(finding.ruleId);
    expect(fatal.findings).toHaveLength(1);
    expect(formatResult(format, fatal, options)).toMatch(FATAL_POSITION[format]);
    expect(formatResult(format, imageOnly, options)).toContain('unneeded-bytes');
    expect(formatResult(format, clean, options).length).toBeGreaterThan(0);
  });
});

describe('text', () => {
  it('is file:line:col: severity: message [rule], then the fix and the totals; colors only when asked', () => {
    const text = formatResult('text', withFindings, options);
    expect(text).toContain(`${join(dir, 'Dockerfile')}:2:5: warning: ENV DB_PASSWORD looks like a secret`);
    expect(text).toMatch(/\[secret-in-arg-env\]\n {4}fix: /);
    expect(text.trimEnd().split('\n').pop()).toBe(`${join(dir, 'Dockerfile')}: 2 problems (0 errors, 2 warnings, 0 info)`);
    expect(text).not.toContain('\x1b[');
    expect(formatResult('text', withFindings, { ...options, color: true })).toContain('\x1b[33mwarning\x1b[0m');
    expect(formatResult('text', clean, options)).toBe(`${join(dir, 'Dockerfile')}: no problems\n`);
    expect(formatResult('text', imageOnly, options)).toContain('image app.tar: 100.0 MB; needed at run time 10.0 MB (what scratchify slim would reach); unneeded 90.0 MB (90%)');
  });
});

describe('json', () => {
  it('has the documented top-level fields and finding fields', () => {
    const report = lintJson(imageOnly, options);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'file', 'fatal', 'summary', 'image', 'findings', 'rules']);
    expect(report).toMatchObject({ schemaVersion: 1, tool: { name: 'scratchify', version: '9.9.9' }, summary: { error: 1, warning: 0, info: 0 } });
    const parsed = JSON.parse(formatResult('json', withFindings, options));
    expect(Object.keys(parsed.findings[0])).toEqual(['ruleId', 'severity', 'message', 'fix', 'location', 'data']);
    expect(parsed.findings[0].location).toEqual({ file: join(dir, 'Dockerfile'), line: 2, column: 5, endLine: 2, endColumn: 16 });
  });
});

describe('sarif', () => {
  it('the validator rejects an invalid log (so the check has teeth)', () => {
    expect(sarifSchemaErrors({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] }).length).toBeGreaterThan(0);
  });

  it.each([
    ['findings', withFindings],
    ['a parse error', fatal],
    ['an image-only finding', imageOnly],
    ['no findings', clean],
  ])('is a valid SARIF 2.1.0 log with %s', (_, result) => {
    expect(sarifSchemaErrors(sarifLog(result, options))).toEqual([]);
  });

  it('carries rules with descriptions and help, real regions, relative URIs and fingerprints', () => {
    const log = sarifLog(withFindings, options) as { runs: Array<Record<string, any>> };
    const run = log.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'secret-in-arg-env');
    expect(rule).toMatchObject({ shortDescription: { text: expect.any(String) }, fullDescription: { text: expect.any(String) }, help: { text: expect.any(String), markdown: expect.stringContaining('How to fix') }, properties: { tags: expect.arrayContaining(['security']) } });
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'secret-in-arg-env');
    expect(result.level).toBe('warning');
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('secret-in-arg-env');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 16 },
    });
    expect(result.partialFingerprints.primaryLocationLineHash).toBe(lineHashes(DOCKERFILE).get(2));
    expect(run.tool.driver.informationUri).toBe('https://www.npmjs.com/package/scratchify');
    expect(run.automationDetails.id).toBe('scratchify/lint/');
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect((sarifLog(fatal, options) as { runs: Array<Record<string, any>> }).runs[0].invocations[0].executionSuccessful).toBe(false);
  });
});

describe('SARIF fingerprints without a hashable line', () => {
  const fingerprints = (result: LintResult, sarifOptions: FormatOptions = options): string[] =>
    (sarifLog(result, sarifOptions) as { runs: Array<{ results: Array<{ partialFingerprints: { primaryLocationLineHash: string } }> }> }).runs[0].results.map(
      (entry) => entry.partialFingerprints.primaryLocationLineHash,
    );
  const unreadable = (message: string, line: number): LintResult => ({
    ...withFindings,
    findings: [{ ruleId: 'secret-in-arg-env', severity: 'warning', message, location: { file: 'gone/Dockerfile', line, column: 5 }, fix: 'f' }],
  });
  const imageFinding = (message: string): LintResult => ({ ...imageOnly, findings: [{ ...imageOnly.findings[0], message }] });

  it('an image finding keeps its fingerprint when its sizes change, and repeats are numbered', () => {
    const [first] = fingerprints(imageFinding('90.0 MB of 100.0 MB are not needed'));
    expect(first).toMatch(/^[0-9a-f]{16}:1$/);
    expect(fingerprints(imageFinding('80.0 MB of 95.0 MB are not needed'))).toEqual([first]);
    const twice: LintResult = { ...imageOnly, findings: [imageOnly.findings[0], imageOnly.findings[0]] };
    expect(fingerprints(twice)).toEqual([first, first.replace(/:1$/, ':2')]);
  });

  it('a finding in an unreadable file follows its message, not its line number', () => {
    const [first] = fingerprints(unreadable('ENV DB_PASSWORD looks like a secret', 2));
    expect(fingerprints(unreadable('ENV DB_PASSWORD looks like a secret', 7))).toEqual([first]);
    expect(fingerprints(unreadable('ENV API_TOKEN looks like a secret', 2))).not.toEqual([first]);
  });

  it('uses the caller\'s text before the disk', () => {
    const sources = new Map([['gone/Dockerfile', 'FROM a\nENV DB_PASSWORD=x\n']]);
    expect(fingerprints(unreadable('m', 2), { ...options, sources })).toEqual([lineHashes('FROM a\nENV DB_PASSWORD=x\n').get(2)]);
  });
});

describe('primaryLocationLineHash', () => {
  it('follows a line when lines are inserted above it, and changes when the line itself changes', () => {
    const before = lineHashes('FROM debian:12\nENV DB_PASSWORD=x\nCMD x\n');
    const moved = lineHashes('# a comment\n\nFROM debian:12\nENV DB_PASSWORD=x\nCMD x\n');
    expect(moved.get(4)).toBe(before.get(2));
    expect(lineHashes('FROM debian:12\nENV DB_PASSWORD=y\nCMD x\n').get(2)).not.toBe(before.get(2));
  });

  it('ignores indentation and CRLF, and numbers repeated windows', () => {
    expect(lineHashes('FROM a\r\n  RUN x\r\n').get(2)).toBe(lineHashes('FROM a\nRUN x\n').get(2));
    const repeated = lineHashes('RUN x\n'.repeat(30));
    const lines = Array.from({ length: 30 }, (_, index) => repeated.get(index + 1));
    expect(new Set(lines).size).toBe(30);
    expect([...repeated.values()].every((hash) => /^[0-9a-f]+:\d+$/.test(hash))).toBe(true);
  });
});

describe('github annotations', () => {
  it('uses error/warning/notice with escaped properties and data, and inclusive end columns', () => {
    const out = formatResult('github', withFindings, options);
    expect(out).toContain('::warning file=Dockerfile,line=2,endLine=2,col=5,endColumn=15,title=secret-in-arg-env::ENV DB_PASSWORD looks like a secret');
    const image = formatResult('github', imageOnly, options);
    // The line break in the message is shown as its escape (printable); the one before the fix is the toolkit's %0A.
    expect(image.split('\n')[0]).toBe(`::error file=app.tar,title=unneeded-bytes::x <&> "quoted" 'single' 100%25 done\\x0anext line, with: colons%0Afix: slim it`);
  });

  it('sends no columns for a range over several lines, and marks one column for an empty range', () => {
    const at = (location: Omit<LintResult['findings'][number]['location'], 'file'>): string =>
      formatResult('github', { ...imageOnly, findings: [{ ...imageOnly.findings[0], location: { file: 'Dockerfile', ...location } }] }, options).split('::')[1];
    expect(at({ line: 3, column: 1, endLine: 5, endColumn: 9 })).toBe('error file=Dockerfile,line=3,endLine=5,title=unneeded-bytes');
    expect(at({ line: 3, column: 1, endLine: 3, endColumn: 1 })).toBe('error file=Dockerfile,line=3,endLine=3,col=1,endColumn=1,title=unneeded-bytes');
    expect(at({ line: 3, column: 4 })).toBe('error file=Dockerfile,line=3,col=4,title=unneeded-bytes');
  });
});

describe('checkstyle', () => {
  it('is XML 4.3 with escaped attributes, grouped by file', () => {
    const xml = formatResult('checkstyle', imageOnly, options);
    expect(xml).toContain('<checkstyle version="4.3">');
    expect(xml).toContain('<file name="app.tar">');
    // The line break shown as its escape (printable), on the one line of the finding.
    expect(xml).toContain('message="x &lt;&amp;&gt; &quot;quoted&quot; &apos;single&apos; 100% done\\x0anext line, with: colons"');
    expect(formatResult('checkstyle', withFindings, options)).toMatch(/<error line="2" column="5" severity="warning" message="[^"]+" source="scratchify.secret-in-arg-env"\/>/);
    expect(formatResult('checkstyle', clean, options)).toContain(`<file name="${join(dir, 'Dockerfile')}">\n  </file>`);
  });
});
