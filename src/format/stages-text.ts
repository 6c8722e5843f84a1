/**
 * Human-readable rendering of a `StagesReport`. Names and values come from the Dockerfile: each line is made
 * printable (printable.ts), so none can hold a control character or become two lines.
 */
import type { StagesReport } from '../stages';
import { printable } from './printable';

function commandText(argv: string[] | undefined, form: 'exec' | 'shell' | undefined): string {
  if (!argv) return '(not set in this Dockerfile)';
  return `${JSON.stringify(argv)}${form === 'shell' ? '  (shell form)' : ''}`;
}

/** `label` and the first item, then the other items on lines of their own under it; `(none)` for no items. */
function continued(label: string, items: string[]): string[] {
  if (items.length === 0) return [`${label}(none)`];
  return items.map((item, index) => `${index === 0 ? label : ' '.repeat(label.length)}${item}`);
}

export function formatStagesText(report: StagesReport): string {
  const lines: string[] = [];
  const targetLabel = report.target.name ?? `#${report.target.index}`;
  lines.push(`Stages of ${report.file ?? 'the Dockerfile'} (target: ${targetLabel})`);
  for (const stage of report.stages) {
    const name = stage.name ?? `#${stage.index}`;
    const marker = stage.needed ? '*' : ' ';
    const deps = stage.dependsOn.map((d) => `${d.via === 'from' ? 'FROM' : d.via === 'copy' ? 'COPY --from' : 'RUN --mount from'} ${d.stage} (line ${d.line})`);
    const images = stage.images.filter((image) => image !== stage.base).map((image) => `image ${image}`);
    const extra = [...deps, ...images];
    lines.push(`  ${marker} ${stage.index}  ${name.padEnd(16)} FROM ${stage.base}${stage.platform ? ` --platform=${stage.platform}` : ''}  (line ${stage.line})`);
    if (extra.length > 0) lines.push(`       needs: ${extra.join(', ')}`);
  }
  lines.push('');
  lines.push(`Needed for the target: ${report.needed.join(' → ')}`);
  lines.push(`Not needed (BuildKit skips them): ${report.unused.length > 0 ? report.unused.join(', ') : 'none'}`);
  lines.push(`Images pulled: ${report.images.length > 0 ? report.images.join(', ') : 'none'}`);
  lines.push('');
  const c = report.contract;
  lines.push(`Runtime contract of the target${c.inheritsFrom ? ` (plus whatever ${c.inheritsFrom} sets itself)` : ''}:`);
  lines.push(`  ENTRYPOINT  ${commandText(c.entrypoint, c.entrypointForm)}`);
  lines.push(`  CMD         ${commandText(c.cmd, c.cmdForm)}`);
  const env = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
  lines.push(...continued('  ENV         ', env));
  lines.push(`  USER        ${c.user ?? '(not set)'}`);
  lines.push(`  WORKDIR     ${c.workdir ?? '(not set)'}`);
  lines.push(`  EXPOSE      ${c.exposedPorts.join(' ') || '(none)'}`);
  lines.push(`  VOLUME      ${c.volumes.join(' ') || '(none)'}`);
  const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  lines.push(...continued('  LABEL       ', labels));
  if (c.stopSignal) lines.push(`  STOPSIGNAL  ${c.stopSignal}`);
  if (c.healthcheck) lines.push(`  HEALTHCHECK ${JSON.stringify(c.healthcheck.test)}`);
  for (const warning of report.warnings) lines.push(`warning: ${report.file ?? 'Dockerfile'}:${warning.line}: ${warning.message}`);
  return `${lines.map(printable).join('\n')}\n`;
}
