/**
 * Rewrites the field tables of docs/probe.md from the probe schema (`npm run docs:probe`).
 * test/probe/schema-docs.test.ts fails when the committed file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_SCHEMA } from '../src/probe';
import { probeFieldsMarkdown, replaceGeneratedFields } from '../src/probe/schema-docs';

/** Relative to the repository root, where npm runs scripts. */
export const PROBE_DOCS_PATH = join('docs', 'probe.md');

if (require.main === module) {
  const updated = replaceGeneratedFields(readFileSync(PROBE_DOCS_PATH, 'utf8'), probeFieldsMarkdown(PROBE_SCHEMA));
  if (updated === undefined) throw new Error(`${PROBE_DOCS_PATH} has no generated-fields markers`);
  writeFileSync(PROBE_DOCS_PATH, updated);
  console.log(`wrote ${PROBE_DOCS_PATH}`);
}
