/**
 * Writes docs/lint-rules.md from the rules' metadata (`npm run docs:rules`). test/lint/rules-doc.test.ts
 * fails when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentedRules, rulesMarkdown } from '../src/lint/rules-doc';

/** Relative to the repository root, where npm runs scripts. */
export const RULE_DOCS_PATH = join('docs', 'lint-rules.md');

if (require.main === module) {
  writeFileSync(RULE_DOCS_PATH, rulesMarkdown(documentedRules()));
  console.log(`wrote ${RULE_DOCS_PATH}`);
}
