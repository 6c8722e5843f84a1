/**
 * Judging what a check saw against what it expects: each expectation that does not hold is one line. Regular
 * expressions are JavaScript syntax without flags and match anywhere in the text.
 */
import type { Check, Observation, ProcessExpectation, ProcessObservation } from './types';
import { DEFAULT_CHECK_TIMEOUT_MS } from './types';

/** Text shown of an output or body in messages. */
export const SHOWN_CHARACTERS = 2000;

/** `text` cut to `max` characters, saying how much was left out; one line when `oneLine`. */
export function clip(text: string, max = SHOWN_CHARACTERS, oneLine = false): string {
  const cut = text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
  return oneLine ? JSON.stringify(cut) : cut;
}

/** A pattern from the probe file for a one-line message: `/…/` with control characters escaped. */
export function showPattern(pattern: string): string {
  return `/${pattern.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}/`;
}

function processFailures(expect: ProcessExpectation, seen: ProcessObservation, timeoutMs: number): string[] {
  if (seen.timedOut) return [`did not finish within ${timeoutMs} ms`];
  const failures: string[] = [];
  const wantExit = expect.exitCode ?? 0;
  if (seen.exitCode !== wantExit) failures.push(`exit code ${seen.exitCode}, expected ${wantExit}`);
  if (expect.stdout !== undefined && !new RegExp(expect.stdout).test(seen.stdout)) failures.push(`stdout does not match ${showPattern(expect.stdout)}`);
  if (expect.stderr !== undefined && !new RegExp(expect.stderr).test(seen.stderr)) failures.push(`stderr does not match ${showPattern(expect.stderr)}`);
  return failures;
}

/** The expectations of `check` that `seen` does not meet; empty when it passes. */
export function judge(check: Check, seen: Observation): string[] {
  if (seen.kind === 'not-ready') return [seen.why];
  switch (check.kind) {
    case 'command':
    case 'exec':
      if (seen.kind !== 'process') return [`expected a process result, got ${seen.kind}`];
      return processFailures(check.expect, seen, check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
    case 'http': {
      if (seen.kind !== 'http') return [`expected an HTTP response, got ${seen.kind}`];
      const failures: string[] = [];
      const wantStatus = check.expect.status ?? 200;
      if (seen.status !== wantStatus) failures.push(`status ${seen.status}, expected ${wantStatus}`);
      for (const [name, pattern] of Object.entries(check.expect.headers ?? {})) {
        const value = seen.headers[name.toLowerCase()];
        if (value === undefined) failures.push(`no ${name} header`);
        else if (!new RegExp(pattern).test(value)) failures.push(`header ${name}: ${clip(value, 200, true)} does not match ${showPattern(pattern)}`);
      }
      if (check.expect.body !== undefined && !new RegExp(check.expect.body).test(seen.body)) failures.push(`body does not match ${showPattern(check.expect.body)}`);
      return failures;
    }
    case 'tcp': {
      if (seen.kind !== 'tcp') return [`expected a TCP answer, got ${seen.kind}`];
      const pattern = check.expect?.response;
      return pattern !== undefined && !new RegExp(pattern).test(seen.received) ? [`response does not match ${showPattern(pattern)}`] : [];
    }
  }
}

/** What was seen, for a person reading a failure: exit code and outputs, or status and body, or why not ready. */
export function describeObservation(seen: Observation): string {
  switch (seen.kind) {
    case 'process':
      return `exit ${seen.exitCode ?? '(killed)'}\n--- stdout ---\n${clip(seen.stdout)}\n--- stderr ---\n${clip(seen.stderr)}`;
    case 'http':
      return `status ${seen.status}\n${Object.entries(seen.headers).map(([name, value]) => `${name}: ${clip(value, 200)}`).join('\n')}\n\n${clip(seen.body)}`;
    case 'tcp':
      return `received ${clip(seen.received, SHOWN_CHARACTERS, true)}`;
    case 'not-ready':
      return `${seen.why}\nserver ${seen.exitCode === undefined ? 'still running' : `exited with code ${seen.exitCode}`}; its log:\n${clip(seen.log)}`;
  }
}

/**
 * The first way `slim` differs from `fat` in what they showed, in the order a person looks: whether the server
 * came up, exit code, status, then outputs and body; undefined when they look the same.
 */
export function firstDifference(fat: Observation, slim: Observation): string | undefined {
  const both = (label: string, a: string, b: string): string => `${label}: ${a} on fat, ${b} on slim`;
  if (fat.kind !== slim.kind) {
    const state = (seen: Observation): string =>
      seen.kind === 'not-ready' ? `not ready (${seen.why}${seen.exitCode === undefined ? '' : `; exited with code ${seen.exitCode}`}; log ${clip(seen.log, 300, true)})` : 'ready';
    return both('server', state(fat), state(slim));
  }
  const fields: Array<[string, string, string]> = [];
  if (fat.kind === 'process' && slim.kind === 'process') {
    fields.push(['exit code', String(fat.exitCode ?? 'killed'), String(slim.exitCode ?? 'killed')]);
    fields.push(['stdout', fat.stdout, slim.stdout], ['stderr', fat.stderr, slim.stderr]);
  } else if (fat.kind === 'http' && slim.kind === 'http') {
    fields.push(['status', String(fat.status), String(slim.status)], ['body', fat.body, slim.body]);
  } else if (fat.kind === 'tcp' && slim.kind === 'tcp') {
    fields.push(['response', fat.received, slim.received]);
  } else if (fat.kind === 'not-ready' && slim.kind === 'not-ready') {
    fields.push(['server', fat.why, slim.why]);
  }
  for (const [label, a, b] of fields) {
    if (a === b) continue;
    const short = label === 'exit code' || label === 'status';
    return short ? both(label, a, b) : both(label, clip(a, 300, true), clip(b, 300, true));
  }
  return undefined;
}
