/**
 * The runtime contract of two images compared: what `docker run` does with each config (ENTRYPOINT, CMD, ENV,
 * USER, WORKDIR, exposed ports, volumes, labels, stop signal, healthcheck) must be the same, up to differences of
 * form that change nothing:
 * - an empty WorkingDir means `/` (runc's default), and `/app/` is `/app`;
 * - an unset StopSignal means SIGTERM;
 * - ENV is compared as the environment it makes (later entries win), not as a list;
 * - a shell-form command that slim rewrote to exec form is the same when the slim Dockerfile's header says the
 *   shell grammar proved it (`# Exec form, proven equivalent: CMD [...] → [...]`);
 * - a USER name and a number are the same when both images resolve them to the same uid:gid, as runc does:
 *   the name through the image's /etc/passwd, the group from there or from /etc/group, gid 0 when the user is
 *   not in passwd.
 */
import { posix } from 'node:path';

/** A runtime contract normalized for comparison. */
export interface ContainerContract {
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  user: string;
  workdir: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string;
  healthcheck: { test: string[]; interval: number; timeout: number; startPeriod: number; retries: number } | null;
}

/** One way the slim image's contract differs. */
export interface ContractDifference {
  field: keyof ContainerContract;
  fat: string;
  slim: string;
}

/** An exec-form rewrite the slim Dockerfile states as proven. */
export interface ProvenRewrite {
  instruction: 'ENTRYPOINT' | 'CMD';
  from: string[];
  to: string[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function keys(value: unknown): string[] {
  return Object.keys(record(value)).sort();
}

/**
 * The contract from `image inspect` output, docker's or podman's: both put the OCI config fields under
 * `Config`; docker keeps the healthcheck there too, podman beside it as `HealthCheck`.
 */
export function contractOf(inspected: Record<string, unknown>): ContainerContract {
  const config = record(inspected.Config);
  const env: Record<string, string> = {};
  for (const item of strings(config.Env)) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    else env[item] = '';
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(config.Labels))) labels[key] = String(value);
  const health = record(config.Healthcheck ?? inspected.HealthCheck ?? inspected.Healthcheck);
  const test = strings(health.Test);
  const workdir = typeof config.WorkingDir === 'string' && config.WorkingDir !== '' ? posix.normalize(config.WorkingDir).replace(/(.)\/$/, '$1') : '/';
  return {
    entrypoint: strings(config.Entrypoint),
    cmd: strings(config.Cmd),
    env,
    user: typeof config.User === 'string' ? config.User : '',
    workdir,
    exposedPorts: keys(config.ExposedPorts),
    volumes: keys(config.Volumes),
    labels,
    stopSignal: typeof config.StopSignal === 'string' && config.StopSignal !== '' ? config.StopSignal : 'SIGTERM',
    healthcheck:
      test.length === 0 || test[0] === 'NONE'
        ? null
        : { test, interval: Number(health.Interval ?? 0), timeout: Number(health.Timeout ?? 0), startPeriod: Number(health.StartPeriod ?? 0), retries: Number(health.Retries ?? 0) },
  };
}

const REWRITE_LINE = /^# Exec form, proven equivalent: (ENTRYPOINT|CMD) (\[.*\]) → (\[.*\])$/;

/** The exec-form rewrites a slim Dockerfile's header states as proven by the shell grammar. */
export function provenRewrites(slimDockerfile: string): ProvenRewrite[] {
  const rewrites: ProvenRewrite[] = [];
  for (const line of slimDockerfile.split('\n')) {
    const match = REWRITE_LINE.exec(line);
    if (!match) continue;
    try {
      const from = JSON.parse(match[2]) as unknown;
      const to = JSON.parse(match[3]) as unknown;
      if (Array.isArray(from) && Array.isArray(to)) rewrites.push({ instruction: match[1] as ProvenRewrite['instruction'], from: from.map(String), to: to.map(String) });
    } catch {
      // A header line that is not the emitter's JSON is not a proof.
    }
  }
  return rewrites;
}

/** The uid:gid a USER value runs as in an image with these /etc/passwd and /etc/group contents (runc's rules). */
export function resolveUser(user: string, passwd: string, group: string): string {
  const [name = '', groupName] = (user === '' ? 'root' : user).split(':', 2);
  const rows = (text: string): string[][] => text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(':'));
  const users = rows(passwd);
  const numeric = /^\d+$/.test(name);
  const entry = users.find((fields) => (numeric ? fields[2] === name : fields[0] === name));
  const uid = numeric ? name : entry?.[2] ?? `unknown user ${name}`;
  let gid = entry?.[3] ?? '0';
  if (groupName !== undefined) gid = /^\d+$/.test(groupName) ? groupName : rows(group).find((fields) => fields[0] === groupName)?.[2] ?? `unknown group ${groupName}`;
  return `${uid}:${gid}`;
}

/** The account files of one image, read only when the USER values differ in form. */
export interface AccountFiles {
  passwd: string;
  group: string;
}

export interface CompareOptions {
  /** Rewrites the slim Dockerfile states as proven. */
  rewrites?: ProvenRewrite[];
  /** Reads each image's /etc/passwd and /etc/group; called only when the USER values differ. */
  accounts?: () => Promise<{ fat: AccountFiles; slim: AccountFiles }>;
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value));

/** How `slim`'s contract differs from `fat`'s; empty when they are the same. */
export async function compareContracts(fat: ContainerContract, slim: ContainerContract, options: CompareOptions = {}): Promise<ContractDifference[]> {
  const differences: ContractDifference[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const sortedEntries = (value: Record<string, string>): Array<[string, string]> => Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rewritten = (instruction: ProvenRewrite['instruction'], fatValue: string[], slimValue: string[]): boolean =>
    (options.rewrites ?? []).some((rewrite) => rewrite.instruction === instruction && same(rewrite.from, fatValue) && same(rewrite.to, slimValue));

  if (!same(fat.entrypoint, slim.entrypoint) && !rewritten('ENTRYPOINT', fat.entrypoint, slim.entrypoint)) differences.push({ field: 'entrypoint', fat: show(fat.entrypoint), slim: show(slim.entrypoint) });
  if (!same(fat.cmd, slim.cmd) && !rewritten('CMD', fat.cmd, slim.cmd)) differences.push({ field: 'cmd', fat: show(fat.cmd), slim: show(slim.cmd) });
  if (!same(sortedEntries(fat.env), sortedEntries(slim.env))) {
    const names = [...new Set([...Object.keys(fat.env), ...Object.keys(slim.env)])].sort().filter((name) => fat.env[name] !== slim.env[name]);
    const side = (env: Record<string, string>): string => names.map((name) => (name in env ? `${name}=${show(env[name])}` : `${name} unset`)).join(', ');
    differences.push({ field: 'env', fat: side(fat.env), slim: side(slim.env) });
  }
  if (fat.user !== slim.user) {
    const files = options.accounts ? await options.accounts() : undefined;
    const fatIds = files ? resolveUser(fat.user, files.fat.passwd, files.fat.group) : undefined;
    const slimIds = files ? resolveUser(slim.user, files.slim.passwd, files.slim.group) : undefined;
    if (fatIds === undefined || fatIds !== slimIds) {
      differences.push({ field: 'user', fat: `${show(fat.user)}${fatIds ? ` (${fatIds})` : ''}`, slim: `${show(slim.user)}${slimIds ? ` (${slimIds})` : ''}` });
    }
  }
  for (const field of ['workdir', 'stopSignal'] as const) if (fat[field] !== slim[field]) differences.push({ field, fat: show(fat[field]), slim: show(slim[field]) });
  for (const field of ['exposedPorts', 'volumes'] as const) if (!same(fat[field], slim[field])) differences.push({ field, fat: show(fat[field]), slim: show(slim[field]) });
  if (!same(sortedEntries(fat.labels), sortedEntries(slim.labels))) differences.push({ field: 'labels', fat: show(Object.fromEntries(sortedEntries(fat.labels))), slim: show(Object.fromEntries(sortedEntries(slim.labels))) });
  if (!same(fat.healthcheck, slim.healthcheck)) differences.push({ field: 'healthcheck', fat: show(fat.healthcheck), slim: show(slim.healthcheck) });
  return differences;
}
