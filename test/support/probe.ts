/**
 * Behaviour probes: what "this image still works" means for a sample, as data (`samples/<name>/probe.json`,
 * schema in `samples/README.md`), and the runner that checks an image against one.
 *
 * The runner puts nothing into the image under test and needs nothing from it beyond its own program, because
 * the same probe must pass on the fat image and on the FROM-scratch image scratchify emits (no shell, no curl).
 * HTTP probes therefore talk to the server from a second container, {@link PROBE_CLIENT_IMAGE}, that joins the
 * server's network namespace: the server runs with `--network none`, so all traffic stays on its loopback and
 * no port is ever published.
 */
import { readFileSync } from 'fs';
import {
  DockerResources,
  containerLogs,
  docker,
  isRunning,
  runContainer,
  startContainer,
  uniqueName,
} from './docker';

/** Image whose bash (`/dev/tcp`) and coreutils make the HTTP request; one of the offline base images. */
export const PROBE_CLIENT_IMAGE = 'debian:bookworm-slim';

/** Default time a probe may take: for a command, its whole run; for HTTP, until the server answers. */
export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

/** How the container under test is started; shared by both probe kinds. */
export interface ProbeLaunch {
  /** Replaces the image's CMD; the ENTRYPOINT stays, as with `docker run IMAGE ARGS…`. */
  args?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Overrides the image's USER. */
  user?: string;
  /** Limit for the probe; default {@link DEFAULT_PROBE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Run the image's program to completion and check how it ended. */
export interface CommandProbe extends ProbeLaunch {
  kind: 'command';
  expect: {
    /** Default 0. */
    exitCode?: number;
    /** JavaScript regular expression (no flags) that must match somewhere in stdout. */
    stdout?: string;
    /** JavaScript regular expression (no flags) that must match somewhere in stderr. */
    stderr?: string;
  };
}

/** Start the image as a server and check one HTTP/1.0 GET against it. */
export interface HttpProbe extends ProbeLaunch {
  kind: 'http';
  /** Port the server listens on inside its container. */
  port: number;
  /** Request target; default `/`. */
  path?: string;
  expect: {
    /** Default 200. */
    status?: number;
    /** Regular expression that must match somewhere in the response body. */
    body?: string;
    /** Header name (any case) → regular expression its value must match. */
    headers?: Record<string, string>;
  };
}

/** What correct behaviour of a sample looks like. */
export type Probe = CommandProbe | HttpProbe;

/** The verdict of one probe run; `detail` says what was seen, for test failure messages and reports. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** Validate parsed JSON as a {@link Probe}; throws naming the first bad field. */
export function parseProbe(value: unknown, source = 'probe'): Probe {
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (!isRecord(value)) return fail('must be a JSON object');
  if (!isRecord(value.expect)) return fail('"expect" must be an object');
  if (value.args !== undefined && !isStringArray(value.args)) fail('"args" must be an array of strings');
  if (value.env !== undefined && !isStringRecord(value.env)) fail('"env" must map names to strings');
  if (value.user !== undefined && typeof value.user !== 'string') fail('"user" must be a string');
  if (value.timeoutMs !== undefined && !isPositiveInteger(value.timeoutMs)) fail('"timeoutMs" must be a positive integer');
  const expect = value.expect;
  const checkRegex = (field: string) => {
    const pattern = expect[field];
    if (pattern === undefined) return;
    if (typeof pattern !== 'string') fail(`"expect.${field}" must be a string`);
    try {
      new RegExp(pattern as string);
    } catch (error) {
      fail(`"expect.${field}" is not a valid regular expression: ${(error as Error).message}`);
    }
  };
  switch (value.kind) {
    case 'command':
      if (expect.exitCode !== undefined && !Number.isInteger(expect.exitCode)) fail('"expect.exitCode" must be an integer');
      checkRegex('stdout');
      checkRegex('stderr');
      return value as unknown as CommandProbe;
    case 'http':
      if (!isPositiveInteger(value.port) || (value.port as number) > 65535) fail('"port" must be a TCP port number');
      if (value.path !== undefined && (typeof value.path !== 'string' || !value.path.startsWith('/'))) {
        fail('"path" must be a string starting with "/"');
      }
      if (expect.status !== undefined && !isPositiveInteger(expect.status)) fail('"expect.status" must be an integer');
      checkRegex('body');
      if (expect.headers !== undefined) {
        if (!isStringRecord(expect.headers)) fail('"expect.headers" must map header names to strings');
        for (const [name, pattern] of Object.entries(expect.headers as Record<string, string>)) {
          try {
            new RegExp(pattern);
          } catch (error) {
            fail(`"expect.headers.${name}" is not a valid regular expression: ${(error as Error).message}`);
          }
        }
      }
      return value as unknown as HttpProbe;
    default:
      return fail('"kind" must be "command" or "http"');
  }
}

/** Read and validate a `probe.json`. */
export function loadProbe(file: string): Probe {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parseProbe(parsed, file);
}

/** Check `image` against `probe`. Never throws for a misbehaving image: that is a result with `ok: false`. */
export async function runProbe(image: string, probe: Probe): Promise<ProbeResult> {
  return probe.kind === 'command' ? runCommandProbe(image, probe) : runHttpProbe(image, probe);
}

async function runCommandProbe(image: string, probe: CommandProbe): Promise<ProbeResult> {
  const timeoutMs = probe.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let run;
  try {
    run = await runContainer(image, { args: probe.args, env: probe.env, user: probe.user, timeoutMs });
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
  const seen = `exit ${run.exitCode}\n--- stdout ---\n${clip(run.stdout)}\n--- stderr ---\n${clip(run.stderr)}`;
  if (run.timedOut) return { ok: false, detail: `did not finish within ${timeoutMs} ms\n${seen}` };
  const problems: string[] = [];
  const wantExit = probe.expect.exitCode ?? 0;
  if (run.exitCode !== wantExit) problems.push(`exit code ${run.exitCode}, expected ${wantExit}`);
  if (probe.expect.stdout !== undefined && !new RegExp(probe.expect.stdout).test(run.stdout)) {
    problems.push(`stdout does not match /${probe.expect.stdout}/`);
  }
  if (probe.expect.stderr !== undefined && !new RegExp(probe.expect.stderr).test(run.stderr)) {
    problems.push(`stderr does not match /${probe.expect.stderr}/`);
  }
  return { ok: problems.length === 0, detail: [...problems, seen].join('\n') };
}

/**
 * The client side of an HTTP probe, run by bash in {@link PROBE_CLIENT_IMAGE}. It retries the connect until
 * the server listens (servers take a moment to bind), sends one HTTP/1.0 request (so no server answers with
 * chunked encoding or keeps the connection open) and copies the raw response to stdout. Exit 97 means the port
 * never opened. Port and path arrive as positional arguments, never spliced into the script.
 */
const HTTP_CLIENT_SCRIPT = [
  'port=$1; target=$2; deadline=$(( $(date +%s) + $3 ))',
  'until exec 3<>"/dev/tcp/127.0.0.1/$port"; do',
  '  [ "$(date +%s)" -lt "$deadline" ] || exit 97',
  '  sleep 0.2',
  'done 2>/dev/null',
  "printf 'GET %s HTTP/1.0\\r\\nHost: localhost\\r\\nUser-Agent: scratchify-probe\\r\\nAccept: */*\\r\\n\\r\\n' \"$target\" >&3",
  'timeout 10 cat <&3 || true',
].join('\n');

async function runHttpProbe(image: string, probe: HttpProbe): Promise<ProbeResult> {
  const timeoutMs = probe.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const resources = new DockerResources();
  try {
    let server: string;
    try {
      server = resources.container(
        await startContainer(image, { args: probe.args, env: probe.env, user: probe.user, name: uniqueName('srv') }),
      );
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
    const client = await docker(
      [
        'run', '--rm', '--name', resources.container(uniqueName('probe')),
        '--network', `container:${server}`,
        '--entrypoint', 'bash', PROBE_CLIENT_IMAGE,
        '-c', HTTP_CLIENT_SCRIPT, 'probe', String(probe.port), probe.path ?? '/', String(Math.ceil(timeoutMs / 1000)),
      ],
      { timeoutMs: timeoutMs + 30_000 },
    );
    const serverState = async () =>
      `server ${(await isRunning(server)) ? 'still running' : 'exited'}; its log:\n${clip(await containerLogs(server))}`;
    if (client.exitCode !== 0) {
      const why =
        client.exitCode === 97
          ? `nothing listened on port ${probe.port} within ${timeoutMs} ms`
          : `probe client failed (exit ${client.exitCode}): ${clip(client.stderr)}`;
      return { ok: false, detail: `${why}\n${await serverState()}` };
    }
    const response = parseHttpResponse(client.stdout);
    if (!response) return { ok: false, detail: `not an HTTP response:\n${clip(client.stdout)}\n${await serverState()}` };
    const problems: string[] = [];
    const wantStatus = probe.expect.status ?? 200;
    if (response.status !== wantStatus) problems.push(`status ${response.status}, expected ${wantStatus}`);
    for (const [name, pattern] of Object.entries(probe.expect.headers ?? {})) {
      const value = response.headers.get(name.toLowerCase());
      if (value === undefined) problems.push(`no ${name} header`);
      else if (!new RegExp(pattern).test(value)) problems.push(`header ${name}: ${value} does not match /${pattern}/`);
    }
    if (probe.expect.body !== undefined && !new RegExp(probe.expect.body).test(response.body)) {
      problems.push(`body does not match /${probe.expect.body}/`);
    }
    const seen = `GET ${probe.path ?? '/'} → ${response.statusLine}\n${clip(response.body)}`;
    return { ok: problems.length === 0, detail: [...problems, seen].join('\n') };
  } finally {
    await resources.cleanup();
  }
}

/** A parsed HTTP/1.x response. */
export interface HttpResponse {
  statusLine: string;
  status: number;
  /** Lower-cased header names; repeated headers joined with ", " (RFC 9110 §5.3). */
  headers: Map<string, string>;
  /** Body with any chunked transfer coding removed. */
  body: string;
}

/** Parse a raw HTTP/1.x response as read from the socket; `undefined` when it is not one. */
export function parseHttpResponse(raw: string): HttpResponse | undefined {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const [statusLine, ...headerLines] = raw.slice(0, headerEnd).split('\r\n');
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match) return undefined;
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  let body = raw.slice(headerEnd + 4);
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) body = decodeChunked(body);
  return { statusLine, status: Number(match[1]), headers, body };
}

/** Undo chunked transfer coding (RFC 9112 §7.1); sizes count bytes, so work on a byte buffer. */
function decodeChunked(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(bytes.subarray(offset, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}

function clip(text: string, max = 2000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}
