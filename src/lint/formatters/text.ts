/**
 * The human format: one `file:line:col: severity: message [rule]` line per finding (the shape compilers and
 * editors' problem matchers read), the fix hint under it, then the totals and the image's numbers.
 */
import type { Finding, LintResult, Severity } from '../types';
import { countBySeverity, imageLine, plural, type FormatOptions } from './support';

const COLORS: Record<Severity | 'dim' | 'reset', string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', reset: '\x1b[0m' };

function where(finding: Finding): string {
  const { file, line, column } = finding.location;
  return line === undefined ? file : `${file}:${line}:${column ?? 1}`;
}

export function formatText(result: LintResult, options: FormatOptions): string {
  const paint = (color: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text);
  const lines: string[] = [];
  for (const finding of result.findings) {
    lines.push(`${where(finding)}: ${paint(finding.severity, finding.severity)}: ${finding.message} ${paint('dim', `[${finding.ruleId}]`)}`);
    lines.push(paint('dim', `    fix: ${finding.fix}`));
  }
  if (result.image) lines.push(imageLine(result.image));
  const counts = countBySeverity(result.findings);
  const total = result.findings.length;
  lines.push(
    total === 0
      ? `${result.file}: no problems`
      : `${result.file}: ${plural(total, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`,
  );
  return `${lines.join('\n')}\n`;
}
