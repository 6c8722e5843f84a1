/** The machine format; its schema is documented field by field in docs/lint-output.md and only grows. */
import type { LintResult } from '../types';
import { countBySeverity, type FormatOptions } from './support';

export const JSON_SCHEMA_VERSION = 1;

export function lintJson(result: LintResult, options: FormatOptions): Record<string, unknown> {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'scratchify', version: options.toolVersion },
    file: result.file,
    fatal: result.fatal,
    summary: countBySeverity(result.findings),
    ...(result.image ? { image: result.image } : {}),
    findings: result.findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      fix: finding.fix,
      location: finding.location,
      ...(finding.data ? { data: finding.data } : {}),
    })),
    rules: result.rules.map(({ id, kind, category, severity, description }) => ({ id, kind, category, severity, description })),
  };
}

export function formatJson(result: LintResult, options: FormatOptions): string {
  return `${JSON.stringify(lintJson(result, options), null, 2)}\n`;
}
