/**
 * Reading a probe file: JSON, validated against `probe.schema.json`, normalized to the list form. A file in the
 * single-check form (the samples' original format) is one check. Every problem is one line naming the file and
 * the field; the file is bounded in size and must be a regular file.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors';
import type { HealthcheckConfig } from '../image/source';
import schemaJson from './probe.schema.json';
import { checkSchemaKeywords, validate, type SchemaNode } from './schema-validation';
import { DEFAULT_CHECK_TIMEOUT_MS, PROBE_FORMAT_VERSION, type Check, type ExecCheck, type ProbeFile } from './types';

/** The probe format's JSON Schema, as shipped in the package next to this module. */
export const PROBE_SCHEMA = schemaJson as unknown as SchemaNode;

/** Larger probe files are refused: they are hand-written and small; this bounds what is read. */
export const MAX_PROBE_FILE_BYTES = 4 * 1024 * 1024;

let schemaChecked = false;

/** Validates parsed JSON as a probe and returns it in the list form; throws a UsageError naming the field. */
export function parseProbeFile(value: unknown, source: string): ProbeFile {
  if (!schemaChecked) {
    checkSchemaKeywords(PROBE_SCHEMA);
    schemaChecked = true;
  }
  const violation = validate(value, PROBE_SCHEMA);
  if (violation) throw new UsageError(violation.path === '' ? violation.message : `${violation.path}: ${violation.message}`, { file: source });
  const record = value as { checks?: Check[] };
  const checks = record.checks ?? [value as Check];
  return { source, version: PROBE_FORMAT_VERSION, checks: structuredClone(checks) };
}

/** Reads and validates a probe file. */
export function readProbeFile(file: string): ProbeFile {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UsageError('not a regular file', { file });
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read the probe file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
  }
  if (size > MAX_PROBE_FILE_BYTES) throw new UsageError(`the probe file is ${size} bytes; at most ${MAX_PROBE_FILE_BYTES} are read`, { file });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`not valid JSON: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  return parseProbeFile(parsed, file);
}

/** Docker's healthcheck defaults (moby `container/health.go`): what an unset field means. */
const HEALTHCHECK_DEFAULT_START_PERIOD_NS = 0;

/**
 * A Dockerfile's HEALTHCHECK as an `exec` check, for when no probe file is given: the server starts as the image
 * says and the test command runs inside it until it exits 0, for up to the start period plus the default check
 * time. `CMD-SHELL` runs through the image's SHELL (default `/bin/sh -c`), as the engine would run it.
 * Undefined when the image has no healthcheck (or `HEALTHCHECK NONE`).
 */
export function healthcheckProbe(health: HealthcheckConfig | undefined, shell: string[] | undefined, source: string): ProbeFile | undefined {
  const test = health?.Test;
  if (!test || test.length === 0 || test[0] === 'NONE') return undefined;
  let command: string[];
  if (test[0] === 'CMD') command = test.slice(1);
  else if (test[0] === 'CMD-SHELL') command = [...(shell && shell.length > 0 ? shell : ['/bin/sh', '-c']), test[1] ?? ''];
  else return undefined;
  if (command.length === 0) return undefined;
  const startPeriodMs = Math.ceil((health?.StartPeriod ?? HEALTHCHECK_DEFAULT_START_PERIOD_NS) / 1e6);
  const check: ExecCheck = {
    kind: 'exec',
    name: 'HEALTHCHECK',
    command,
    timeoutMs: Math.min(startPeriodMs + DEFAULT_CHECK_TIMEOUT_MS, 3_600_000),
    expect: { exitCode: 0 },
  };
  return { source, version: PROBE_FORMAT_VERSION, checks: [check] };
}

/** A short, one-line description of a check for tables: its name, or kind and target. */
export function checkLabel(check: Check): string {
  if (check.name !== undefined) return check.name;
  switch (check.kind) {
    case 'command':
      return check.args ? `command ${JSON.stringify(check.args)}` : 'command';
    case 'http':
      return `http ${check.method ?? 'GET'} :${check.port}${check.path ?? '/'}`;
    case 'tcp':
      return `tcp :${check.port}`;
    case 'exec':
      return `exec ${JSON.stringify(check.command)}`;
  }
}
