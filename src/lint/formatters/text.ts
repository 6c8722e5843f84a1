/**
 * The human format: one `file:line:col: severity: message [rule]` line per finding (the shape compilers and
 * editors' problem matchers read), the fix hint under it, then the totals and the image's numbers. Messages
 * quote Dockerfiles and image paths: they are made printable (src/format/printable.ts) before colors are added,
 * so no finding holds a control character or spans two lines.
 */
import { printable } from '../../format/printable';
import type { Finding, LintResult, Severity } from '../types';
import { countBySeverity, imageLine, plural, type FormatOptions } from './support';

const COLORS: Record<Severity | 'dim' | 'reset', string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', reset: '\x1b[0m' };

function where(finding: Finding): string {
  const { file, line, column } = finding.location;
  return printable(line === undefined ? file : `${file}:${line}:${column ?? 1}`);
}

export function formatText(result: LintResult, options: FormatOptions): string {
  const paint = (color: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text);
  const lines: string[] = [];
  for (const finding of result.findings) {
    lines.push(`${where(finding)}: ${paint(finding.severity, finding.severity)}: ${printable(finding.message)} ${paint('dim', `[${finding.ruleId}]`)}`);
    lines.push(paint('dim', `    fix: ${printable(finding.fix)}`));
  }
  if (result.image) lines.push(printable(imageLine(result.image)));
  const counts = countBySeverity(result.findings);
  const total = result.findings.length;
  const file = printable(result.file);
  lines.push(
    total === 0
      ? `${file}: no problems`
      : `${file}: ${plural(total, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`,
  );
  return `${lines.join('\n')}\n`;
}
