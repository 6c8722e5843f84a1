/**
 * The verdict of `scratchify verify` and its two renderings: a table of check × image for a terminal, and a JSON
 * document for CI. What an image printed reaches either only through `JSON.stringify` (or clipped to a quoted
 * one-line form), so no byte of it becomes a line break or a terminal control sequence in what we print.
 */
import { printable } from '../format/printable';
import { clip, type CheckOutcome, type Observation } from '../probe';
import type { ContractDifference } from './contract';

/** The version of the JSON document below; bumped when a field changes meaning or disappears. */
export const VERIFY_REPORT_VERSION = 1;

export interface CheckComparison {
  /** 1-based, as `check N` in messages. */
  index: number;
  label: string;
  kind: string;
  fat: CheckOutcome;
  slim: CheckOutcome;
  /** When the slim image failed: the first way what it showed differs from the fat image. */
  difference?: string;
}

export type Verdict = 'pass' | 'slim-differs' | 'fat-fails';

export interface VerifyReport {
  /** The probe file, or a description of the implicit check (the image's HEALTHCHECK). */
  probe: string;
  engine: string;
  images: { fat: string; slim: string };
  checks: CheckComparison[];
  /** How the slim image's runtime contract differs from the fat one's; empty when the same. */
  contract: ContractDifference[];
  verdict: Verdict;
  /** 0 pass, 1 slim differs, 2 the fat image fails its own probe. */
  exitCode: 0 | 1 | 2;
}

/** The verdict from the comparisons: the fat image must pass for anything to be concluded. */
export function verdictOf(checks: CheckComparison[], contract: ContractDifference[]): { verdict: Verdict; exitCode: 0 | 1 | 2 } {
  if (checks.some((check) => !check.fat.ok)) return { verdict: 'fat-fails', exitCode: 2 };
  if (checks.some((check) => !check.slim.ok) || contract.length > 0) return { verdict: 'slim-differs', exitCode: 1 };
  return { verdict: 'pass', exitCode: 0 };
}

const CONTRACT_FIELDS: Record<ContractDifference['field'], string> = {
  entrypoint: 'ENTRYPOINT',
  cmd: 'CMD',
  env: 'ENV',
  user: 'USER',
  workdir: 'WORKDIR',
  exposedPorts: 'EXPOSE',
  volumes: 'VOLUME',
  labels: 'LABEL',
  stopSignal: 'STOPSIGNAL',
  healthcheck: 'HEALTHCHECK',
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function cell(outcome: CheckOutcome): string {
  return `${outcome.ok ? 'pass' : 'FAIL'} ${seconds(outcome.durationMs).padStart(7)}`;
}

/**
 * The table, then the contract, then the verdict in one line. Failures, differences and contract values carry
 * what the images printed and hold in their config: each is shown through printable(), so no byte of it can
 * move the terminal or start a line of its own.
 */
export function formatVerifyText(report: VerifyReport): string {
  const labels = report.checks.map((check) => printable(`${check.index} ${check.label}`));
  const width = Math.min(60, Math.max('check'.length, ...labels.map((label) => label.length)));
  const fit = (text: string): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const lines = [`probe: ${printable(report.probe)}`, `fat:   ${printable(report.images.fat)}`, `slim:  ${printable(report.images.slim)}`, '', `${'check'.padEnd(width)}  ${'fat'.padEnd(12)}  slim`];
  report.checks.forEach((check, i) => {
    lines.push(`${fit(labels[i])}  ${cell(check.fat)}  ${cell(check.slim)}`);
    for (const failure of check.fat.failures) lines.push(`    fat:  ${printable(failure)}`);
    for (const failure of check.slim.failures) lines.push(`    slim: ${printable(failure)}`);
    if (check.difference) lines.push(`    first difference: ${printable(check.difference)}`);
  });
  lines.push('');
  if (report.contract.length === 0) lines.push(`runtime contract: the same (${Object.values(CONTRACT_FIELDS).join(' ')})`);
  else {
    lines.push('runtime contract differs:');
    for (const difference of report.contract) lines.push(`    ${CONTRACT_FIELDS[difference.field]}: ${printable(difference.fat)} on fat, ${printable(difference.slim)} on slim`);
  }
  const passed = report.checks.filter((check) => check.slim.ok).length;
  const verdicts: Record<Verdict, string> = {
    pass: `verdict: the slim image behaves like the fat one (${passed} of ${report.checks.length} checks pass on both, same contract)`,
    'slim-differs': `verdict: the slim image differs from the fat one (${report.checks.length - passed} of ${report.checks.length} checks fail on slim${report.contract.length > 0 ? `, ${report.contract.length} contract difference${report.contract.length === 1 ? '' : 's'}` : ''})`,
    'fat-fails': 'verdict: the fat image fails its own probe, so nothing can be concluded: fix the probe (or the image) first',
  };
  lines.push(verdicts[report.verdict]);
  return `${lines.join('\n')}\n`;
}

/** Output kept per stream or body in the JSON document. */
const JSON_TEXT_LIMIT = 64 * 1024;

function observationJson(seen: Observation): Record<string, unknown> {
  const cut = (text: string): string => clip(text, JSON_TEXT_LIMIT);
  switch (seen.kind) {
    case 'process':
      return { kind: seen.kind, exitCode: seen.exitCode, timedOut: seen.timedOut, stdout: cut(seen.stdout), stderr: cut(seen.stderr) };
    case 'http':
      return { kind: seen.kind, status: seen.status, headers: seen.headers, body: cut(seen.body) };
    case 'tcp':
      return { kind: seen.kind, received: cut(seen.received) };
    case 'not-ready':
      return { kind: seen.kind, why: seen.why, exitCode: seen.exitCode ?? null, log: cut(seen.log) };
  }
}

/** The JSON document (`--format json`), described in docs/probe.md. */
export function verifyJson(report: VerifyReport): Record<string, unknown> {
  const outcome = (o: CheckOutcome) => ({ ok: o.ok, durationMs: o.durationMs, failures: o.failures, observation: observationJson(o.observation) });
  return {
    version: VERIFY_REPORT_VERSION,
    verdict: report.verdict,
    exitCode: report.exitCode,
    probe: report.probe,
    engine: report.engine,
    images: report.images,
    checks: report.checks.map((check) => ({ index: check.index, name: check.label, kind: check.kind, fat: outcome(check.fat), slim: outcome(check.slim), difference: check.difference ?? null })),
    contract: { same: report.contract.length === 0, differences: report.contract.map((d) => ({ field: d.field, instruction: CONTRACT_FIELDS[d.field], fat: d.fat, slim: d.slim })) },
  };
}
