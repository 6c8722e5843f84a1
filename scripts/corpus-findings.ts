/**
 * Rewrites test/corpus/findings.expected.json: the lint findings on every corpus file (`npm run corpus-findings`).
 * The corpus test fails when lint finds anything else, so a change in findings shows in review as a change of
 * this file, to be read finding by finding (a new false positive is a bug in the rule, not a line to accept).
 */
import { writeFileSync } from 'node:fs';
import { corpusFindings, corpusSources, FINDINGS_PATH, type CorpusFindings } from '../test/corpus/corpus';

function main(): void {
  const findings: CorpusFindings = {};
  let count = 0;
  for (const source of corpusSources()) {
    findings[source.id] = corpusFindings(source);
    count += findings[source.id].length;
  }
  writeFileSync(FINDINGS_PATH, `${JSON.stringify(findings, null, 1)}\n`);
  console.log(`wrote ${count} findings on ${Object.keys(findings).length} files to ${FINDINGS_PATH}`);
}

if (require.main === module) main();
