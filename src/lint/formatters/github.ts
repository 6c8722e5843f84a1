/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the file and line in the run's
 * summary and the pull request diff. Messages and paths are made printable first (src/format/printable.ts: no
 * control character reaches the log, a line break in a name is shown as `\x0a`), then escaped as the Actions
 * toolkit does: `%`, CR and LF in messages (the one line break kept is the one before the fix), plus `:` and `,`
 * in properties. GitHub's `endColumn` is inclusive (ours is exclusive): the toolkit defaults it to
 * `col` for a one-character annotation. The runner drops both columns when the range spans lines or ends
 * before `col`, so neither is sent then.
 */
import { printable } from '../../format/printable';
import type { LintResult, Severity } from '../types';
import { countBySeverity, displayPath, imageLine, plural, type FormatOptions } from './support';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

const escapeData = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(result: LintResult, options: FormatOptions): string {
  const lines = result.findings.map((finding) => {
    const { file, line, column, endLine, endColumn } = finding.location;
    const onOneLine = line !== undefined && (endLine === undefined || endLine === line);
    const properties: Array<[string, string | number | undefined]> = [
      ['file', printable(displayPath(file, options.cwd))],
      ['line', line],
      ['endLine', line === undefined ? undefined : endLine],
      ['col', onOneLine ? column : undefined],
      // An empty range (a parse error on an empty line) still marks its one column.
      ['endColumn', onOneLine && column !== undefined && endColumn !== undefined ? Math.max(column, endColumn - 1) : undefined],
      ['title', finding.ruleId],
    ];
    const props = properties
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
      .join(',');
    return `::${COMMAND[finding.severity]} ${props}::${escapeData(`${printable(finding.message)}\nfix: ${printable(finding.fix)}`)}`;
  });
  const counts = countBySeverity(result.findings);
  if (result.image) lines.push(printable(imageLine(result.image)));
  lines.push(`scratchify lint: ${plural(result.findings.length, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`);
  return `${lines.join('\n')}\n`;
}
