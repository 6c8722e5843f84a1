/** Human-readable rendering of a `StagesReport`. */
import type { StagesReport } from '../stages';

function commandText(argv: string[] | undefined, form: 'exec' | 'shell' | undefined): string {
  if (!argv) return '(not set in this Dockerfile)';
  return `${JSON.stringify(argv)}${form === 'shell' ? '  (shell form)' : ''}`;
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
  const env = Object.entries(c.env);
  lines.push(`  ENV         ${env.length > 0 ? env.map(([k, v]) => `${k}=${v}`).join('\n              ') : '(none)'}`);
  lines.push(`  USER        ${c.user ?? '(not set)'}`);
  lines.push(`  WORKDIR     ${c.workdir ?? '(not set)'}`);
  lines.push(`  EXPOSE      ${c.exposedPorts.join(' ') || '(none)'}`);
  lines.push(`  VOLUME      ${c.volumes.join(' ') || '(none)'}`);
  const labels = Object.entries(c.labels);
  lines.push(`  LABEL       ${labels.length > 0 ? labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n              ') : '(none)'}`);
  if (c.stopSignal) lines.push(`  STOPSIGNAL  ${c.stopSignal}`);
  if (c.healthcheck) lines.push(`  HEALTHCHECK ${JSON.stringify(c.healthcheck.test)}`);
  for (const warning of report.warnings) lines.push(`warning: ${report.file ?? 'Dockerfile'}:${warning.line}: ${warning.message}`);
  return `${lines.join('\n')}\n`;
}
