/**
 * The runtime contract of the analyzed image, as the slim stage must restate it: `FROM scratch` inherits
 * nothing, so everything the image config holds (including what the base image set) is written out.
 */
import type { Analysis } from '../analyze';
import type { ImageConfig } from '../image/source';
import { toExecForm } from '../shell';
import type { FileTree } from '../tree/types';
import type { RuntimeConfig } from './types';

/** Go's time.Duration String() for the healthcheck's nanoseconds (`1m30s`, `500ms`). */
export function goDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  if (nanoseconds < 1e6) return nanoseconds % 1e3 === 0 ? `${nanoseconds / 1e3}µs` : `${nanoseconds}ns`;
  if (nanoseconds < 1e9) return `${nanoseconds / 1e6}ms`;
  let seconds = nanoseconds / 1e9;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const secondsText = `${Number(seconds.toFixed(9))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}

function parseColonFile(text: string): string[][] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(':'));
}

/**
 * USER as the slim image can honour it: a name only when the kept /etc/passwd (and /etc/group) has it,
 * otherwise the numeric ids looked up in the original image.
 */
async function slimUser(user: string, analysis: Analysis, tree: FileTree, notes: string[]): Promise<string> {
  const [name, group] = user.split(':');
  const numeric = (value: string | undefined): boolean => value === undefined || /^\d+$/.test(value);
  if (numeric(name) && numeric(group)) return user;
  const kept = new Set(analysis.kept.map((k) => k.path));
  const read = async (path: string): Promise<string[][]> => {
    try {
      return parseColonFile((await tree.readFile(path)).toString('utf8'));
    } catch {
      return [];
    }
  };
  const passwd = await read('/etc/passwd');
  const groups = await read('/etc/group');
  const passwdEntry = passwd.find((fields) => fields[0] === name);
  const groupEntry = group === undefined ? undefined : groups.find((fields) => fields[0] === group);
  const namesResolvable = kept.has('/etc/passwd') && (numeric(name) || passwdEntry !== undefined) && (numeric(group) || (kept.has('/etc/group') && groupEntry !== undefined));
  if (namesResolvable) return user;
  const uid = numeric(name) ? name : passwdEntry?.[2];
  const gid = group === undefined ? undefined : numeric(group) ? group : groupEntry?.[2];
  if (uid === undefined || (group !== undefined && gid === undefined)) {
    notes.push(`USER ${user}: not found in the image's /etc/passwd or /etc/group; kept as written`);
    return user;
  }
  return gid === undefined ? uid : `${uid}:${gid}`;
}

/** `["/bin/sh", "-c", script]` → the exec form argv when the shell grammar proves it equivalent. */
function execFormOf(argv: string[] | undefined, shell: string[]): string[] | undefined {
  if (!argv || argv.length !== shell.length + 1) return undefined;
  if (!shell.every((word, index) => argv[index] === word)) return undefined;
  const result = toExecForm(argv[argv.length - 1]);
  return result.ok ? result.argv : undefined;
}

export async function runtimeConfig(analysis: Analysis, tree: FileTree, notes: string[] = []): Promise<RuntimeConfig> {
  const config: ImageConfig = analysis.config;
  const shell = config.Shell && config.Shell.length > 0 ? config.Shell : ['/bin/sh', '-c'];
  const rewrites: string[] = [];
  let entrypoint = config.Entrypoint && config.Entrypoint.length > 0 ? config.Entrypoint : undefined;
  let cmd = config.Cmd && config.Cmd.length > 0 ? config.Cmd : undefined;
  // A shell-form ENTRYPOINT gets CMD as extra arguments of `sh -c`, so only rewrite it when there is no CMD;
  // a shell-form CMD only when there is no ENTRYPOINT in front of it.
  if (entrypoint && !cmd) {
    const rewritten = execFormOf(entrypoint, shell);
    if (rewritten) {
      rewrites.push(`ENTRYPOINT ${JSON.stringify(entrypoint)} → ${JSON.stringify(rewritten)}`);
      entrypoint = rewritten;
    }
  }
  if (cmd && !entrypoint) {
    const rewritten = execFormOf(cmd, shell);
    if (rewritten) {
      rewrites.push(`CMD ${JSON.stringify(cmd)} → ${JSON.stringify(rewritten)}`);
      cmd = rewritten;
    }
  }
  const env: [string, string | undefined][] = config.Env.map((assignment) => {
    const eq = assignment.indexOf('=');
    return eq === -1 ? [assignment, undefined] : [assignment.slice(0, eq), assignment.slice(eq + 1)];
  });
  const health = config.Healthcheck;
  const result: RuntimeConfig = {
    env,
    exposedPorts: [...config.ExposedPorts].sort(),
    volumes: [...config.Volumes].sort(),
    labels: Object.entries(config.Labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    rewrites,
  };
  if (config.WorkingDir) result.workdir = config.WorkingDir;
  if (config.User) result.user = await slimUser(config.User, analysis, tree, notes);
  if (config.StopSignal) result.stopSignal = config.StopSignal;
  if (entrypoint) result.entrypoint = entrypoint;
  if (cmd) result.cmd = cmd;
  if (health?.Test && health.Test.length > 0) {
    result.healthcheck = { test: health.Test };
    if (health.Interval) result.healthcheck.interval = goDuration(health.Interval);
    if (health.Timeout) result.healthcheck.timeout = goDuration(health.Timeout);
    if (health.StartPeriod) result.healthcheck.startPeriod = goDuration(health.StartPeriod);
    if (health.StartInterval) result.healthcheck.startInterval = goDuration(health.StartInterval);
    if (health.Retries) result.healthcheck.retries = health.Retries;
  }
  return result;
}
