/** docs/probe.md's field tables are what the shipped schema generates, and the generator covers every field. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_DOCS_PATH } from '../../scripts/generate-probe-docs';
import { PROBE_SCHEMA, type SchemaNode } from '../../src/probe';
import { FIELDS_END, FIELDS_START, probeFieldsMarkdown, replaceGeneratedFields } from '../../src/probe/schema-docs';

const ROOT = join(__dirname, '..', '..');

describe('docs/probe.md', () => {
  const committed = readFileSync(join(ROOT, PROBE_DOCS_PATH), 'utf8');

  test('holds the field tables the schema generates (regenerate with `npm run docs:probe`)', () => {
    const generated = replaceGeneratedFields(committed, probeFieldsMarkdown(PROBE_SCHEMA));
    // A plain comparison, so a failure says how to fix it instead of printing two long documents.
    expect(committed === generated ? 'current' : `${PROBE_DOCS_PATH} is out of date: run \`npm run docs:probe\` and commit it`).toBe('current');
  });

  test('documents every field of every check kind, with its description', () => {
    const defs = PROBE_SCHEMA.$defs as Record<string, SchemaNode>;
    for (const kind of ['commandCheck', 'httpCheck', 'tcpCheck', 'execCheck']) {
      const name = String(defs[kind].properties?.kind?.const);
      const section = committed.slice(committed.indexOf(`### \`${name}\` checks`));
      for (const field of Object.keys(defs[kind].properties ?? {})) expect(section).toContain(`| \`${field}\` |`);
    }
    expect(committed).toContain('| `expect.status` | integer 100–599 |  | `200` | Response status code. |');
    expect(committed).toContain('| `checks` | array of checks (below) | yes |');
  });
});

describe('replaceGeneratedFields', () => {
  test('replaces only what is between the markers', () => {
    const document = `# Title\n\nprose\n${FIELDS_START}\nold\n${FIELDS_END}\nmore prose\n`;
    expect(replaceGeneratedFields(document, `${FIELDS_START}\nnew\n${FIELDS_END}`)).toBe(`# Title\n\nprose\n${FIELDS_START}\nnew\n${FIELDS_END}\nmore prose\n`);
    expect(replaceGeneratedFields('# no markers\n', 'x')).toBeUndefined();
  });
});
