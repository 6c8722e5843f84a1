/**
 * The samples' probes for the end-to-end suites, through the product's own format and runner (src/probe): one
 * loader, one runner. What stays here is the tests' older single-check view of a probe (`loadProbe` gives the
 * check of a one-check file, `runProbe` a pass/fail with what was seen) and the raw HTTP reader the strace oracle
 * uses for the response its bash client reads (test/support/working-set.ts).
 */
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  describeObservation,
  parseProbeFile,
  probeImage,
  readProbeFile,
  type Check,
  type CommandCheck,
  type HttpCheck,
  type ProbeFile,
} from '../../src/probe';

/** Default time a probe may take: for a command, its whole run; for HTTP, until the server answers. */
export const DEFAULT_PROBE_TIMEOUT_MS = DEFAULT_CHECK_TIMEOUT_MS;

export type CommandProbe = CommandCheck;
export type HttpProbe = HttpCheck;
/** The kinds the samples and the strace oracle use. */
export type Probe = CommandProbe | HttpProbe;

/** The verdict of one probe run; `detail` says what was seen, for test failure messages and reports. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

function single(file: ProbeFile): Probe {
  const [check] = file.checks;
  if (file.checks.length !== 1 || (check.kind !== 'command' && check.kind !== 'http')) {
    throw new Error(`${file.source}: the test suites' single-check view takes one command or http check; use readProbeFile for the rest`);
  }
  return check;
}

/** Validate parsed JSON as a one-check probe; throws naming the file and the first bad field. */
export function parseProbe(value: unknown, source = 'probe'): Probe {
  return single(parseProbeFile(value, source));
}

/** Read and validate a one-check `probe.json`. */
export function loadProbe(file: string): Probe {
  return single(readProbeFile(file));
}

/** Check `image` against a probe (every check of a file, or one check) with the product's runner. */
export async function runProbe(image: string, probe: Check | ProbeFile): Promise<ProbeResult> {
  const file: ProbeFile = 'checks' in probe ? probe : { source: 'probe', version: 1, checks: [probe] };
  let outcomes;
  try {
    outcomes = await probeImage(image, file);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
  const detail = outcomes.map((outcome) => [...outcome.failures, describeObservation(outcome.observation)].join('\n')).join('\n\n');
  return { ok: outcomes.every((outcome) => outcome.ok), detail };
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
