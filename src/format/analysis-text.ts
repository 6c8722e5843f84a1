/**
 * Human-readable rendering of an analysis and of `why` explanations. Paths, link targets, reasons and warnings
 * come from the image: each line is made printable (printable.ts), so none can hold a control character or
 * become two lines.
 */
import type { Analysis, Explanation } from '../analyze';
import { printable } from './printable';

function text(lines: string[]): string {
  return `${lines.map(printable).join('\n')}\n`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function formatAnalysisText(analysis: Analysis): string {
  const lines: string[] = [];
  lines.push(`Runs: ${JSON.stringify(analysis.command)}`);
  lines.push('');
  lines.push('Kept (parent directories not listed):');
  for (const kept of analysis.kept) {
    if (kept.reasons.every((reason) => reason.rule === 'parent')) continue;
    const reason = kept.reasons.find((r) => r.rule !== 'parent') ?? kept.reasons[0];
    const what = kept.type === 'symlink' ? `-> ${kept.linkTarget}` : kept.type === 'dir' ? 'dir' : megabytes(kept.size);
    const more = kept.reasons.length > 1 ? ` (+${kept.reasons.length - 1} more)` : '';
    lines.push(`  ${kept.path}  ${what}  [${reason.rule}${reason.by ? ` by ${reason.by}` : ''}]${more}`);
  }
  const t = analysis.totals;
  lines.push('');
  lines.push(`Image: ${megabytes(t.imageBytes)} in ${t.imageFiles} files; kept: ${megabytes(t.keptBytes)} in ${t.keptPaths} paths (${(t.ratio * 100).toFixed(1)}%)`);
  if (analysis.warnings.length > 0) {
    lines.push('');
    lines.push('Warnings:');
    for (const warning of analysis.warnings) lines.push(`  ${warning}`);
  }
  if (analysis.imageWarnings.length > 0) lines.push(`(${analysis.imageWarnings.length} notes about the image itself; see --json imageWarnings)`);
  return text(lines);
}

export function formatExplanationText(explanation: Explanation): string {
  if (!explanation.kept) return text([`${explanation.path}: not kept`]);
  const lines = [`${explanation.path} is kept because:`];
  explanation.chains.forEach((chain, index) => {
    if (explanation.chains.length > 1) lines.push(`  (${index + 1})`);
    chain.forEach((step, depth) => {
      lines.push(`${'  '.repeat(depth + 1)}${step.path}: ${step.reason.rule} — ${step.reason.detail}`);
    });
  });
  return text(lines);
}
