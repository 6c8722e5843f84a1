/**
 * Checkstyle XML (version 4.3), which Jenkins' warnings plugin, GitLab converters and many dashboards read.
 * Attribute values are made printable first (src/format/printable.ts): XML 1.0 cannot carry most control
 * characters even escaped, and a lone surrogate is no character at all, so each is shown as its escape rather
 * than dropped.
 */
import { printable } from '../../format/printable';
import type { Finding, LintResult } from '../types';

const escapeXml = (text: string): string =>
  printable(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function formatCheckstyle(result: LintResult): string {
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = byFile.get(finding.location.file);
    if (list) list.push(finding);
    else byFile.set(finding.location.file, [finding]);
  }
  if (byFile.size === 0) byFile.set(result.file, []);
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<checkstyle version="4.3">'];
  for (const [file, findings] of byFile) {
    lines.push(`  <file name="${escapeXml(file)}">`);
    for (const finding of findings) {
      const position = finding.location.line === undefined ? '' : ` line="${finding.location.line}" column="${finding.location.column ?? 1}"`;
      lines.push(`    <error${position} severity="${finding.severity}" message="${escapeXml(finding.message)}" source="scratchify.${escapeXml(finding.ruleId)}"/>`);
    }
    lines.push('  </file>');
  }
  lines.push('</checkstyle>');
  return `${lines.join('\n')}\n`;
}
