/**
 * docs/lint-output.md is the JSON format's contract: every object's table must list exactly the fields the
 * formatter writes, in order, so a field cannot be added, renamed or dropped without the documentation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintJson } from '../../../src/lint/formatters';
import { lint } from '../../../src/lint/linter';
import { secretInArgEnv } from '../../../src/lint/rules/secret-in-arg-env';
import { unneededBytes } from '../../../src/lint/rules/unneeded-bytes';
import type { LintResult } from '../../../src/lint/types';

const DOC = readFileSync(join(__dirname, '../../../docs/lint-output.md'), 'utf8');

interface DocumentedField {
  name: string;
  optional: boolean;
}

/** The rows of the table under each `### heading` of the `json` section, by heading. */
function documentedTables(): Map<string, DocumentedField[]> {
  const section = DOC.slice(DOC.indexOf('## `json`'), DOC.indexOf('## `sarif`'));
  const tables = new Map<string, DocumentedField[]>();
  for (const block of section.split(/^### /m).slice(1)) {
    const heading = block.slice(0, block.indexOf('\n')).replace(/`/g, '').trim();
    const rows = block.split('\n').filter((line) => line.startsWith('| `'));
    tables.set(heading, rows.map((row) => {
      const [name, type] = row.split('|').slice(1, 3).map((cell) => cell.trim());
      return { name: name.replace(/`/g, ''), optional: type.endsWith(', optional') };
    }));
  }
  return tables;
}

/** A result with every optional field present: an image, a finding with data and a full range. */
const complete: LintResult = {
  ...lint({ dockerfile: { text: 'FROM debian:12\nENV DB_PASSWORD=x\n', file: 'Dockerfile' }, rules: [secretInArgEnv] }),
  image: { source: 'app.tar', imageBytes: 100, keptBytes: 10, unneededBytes: 90, unneededPercent: 90, layerWasteBytes: 0, efficiency: 1 },
};
complete.findings.push({ ruleId: unneededBytes.meta.id, severity: 'info', message: 'm', fix: 'f', location: { file: 'app.tar' }, data: { imageBytes: 100 } });

describe('docs/lint-output.md documents the JSON format', () => {
  const tables = documentedTables();
  const documented = new Map([...tables].map(([heading, fields]) => [heading, fields.map((field) => field.name)]));
  const report = lintJson(complete, { toolVersion: '1.2.3' }) as Record<string, any>;
  const rangedFinding = report.findings.find((finding: { location: { line?: number } }) => finding.location.line !== undefined);
  const findingWithData = report.findings.find((finding: { data?: unknown }) => finding.data !== undefined);

  it('has a table for every object, and nothing else', () => {
    expect([...documented.keys()]).toEqual(['Top level', 'tool', 'summary', 'image', 'findings[]', 'findings[].location', 'rules[]']);
  });

  it.each([
    ['Top level', () => report],
    ['tool', () => report.tool],
    ['summary', () => report.summary],
    ['image', () => report.image],
    ['findings[]', () => findingWithData],
    ['findings[].location', () => rangedFinding.location],
    ['rules[]', () => report.rules[0]],
  ])('%s lists exactly the fields written, in order', (heading, written) => {
    expect(Object.keys(written())).toEqual(documented.get(heading));
  });

  it('marks as optional exactly the fields a minimal report leaves out', () => {
    const minimal = lintJson(
      { file: 'app.tar', fatal: false, rules: [unneededBytes.meta], findings: [{ ruleId: 'unneeded-bytes', severity: 'info', message: 'm', fix: 'f', location: { file: 'app.tar' } }] },
      { toolVersion: '1' },
    ) as Record<string, any>;
    const objects: Array<[string, Record<string, unknown>]> = [
      ['Top level', minimal],
      ['tool', minimal.tool],
      ['summary', minimal.summary],
      ['findings[]', minimal.findings[0]],
      ['findings[].location', minimal.findings[0].location],
      ['rules[]', minimal.rules[0]],
    ];
    for (const [heading, written] of objects) {
      const fields = tables.get(heading)!;
      expect({ heading, missing: fields.filter((field) => !(field.name in written)).map((field) => field.name) }).toEqual({
        heading,
        missing: fields.filter((field) => field.optional).map((field) => field.name),
      });
    }
  });
});
