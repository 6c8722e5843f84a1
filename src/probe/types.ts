/**
 * Probes: what correct behaviour of an image looks like, as data. A probe file holds checks that must hold on
 * the original (fat) image and on its slim version; `scratchify verify` runs them on both, and `--trace` runs
 * them on the fat image under a tracer to learn which files they use. The format is documented in
 * docs/probe.md and pinned by `probe.schema.json`, which the loader validates against.
 */

/** The probe format version this build reads. */
export const PROBE_FORMAT_VERSION = 1;

/** Default limit of a check: a command's whole run; a server's time to become ready; an exec's retries. */
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

/** Default limit of one request to a ready server. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** How the container under test is started; shared by every kind. */
export interface CheckLaunch {
  /** Shown in results; default: kind and target. */
  name?: string;
  /** Replaces the image's CMD; the ENTRYPOINT stays, as with `docker run IMAGE ARGS…`. */
  args?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Overrides the image's USER. */
  user?: string;
  /** Overrides the image's WORKDIR. */
  workdir?: string;
  /** See {@link DEFAULT_CHECK_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** How a process must end. Regular expressions are JavaScript syntax without flags and match anywhere. */
export interface ProcessExpectation {
  /** Default 0. */
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

/** Run the image to completion and check how it ended. */
export interface CommandCheck extends CheckLaunch {
  kind: 'command';
  /** Written to standard input, which is then closed. */
  stdin?: string;
  expect: ProcessExpectation;
}

/** When a server counts as ready, besides its port accepting connections. */
export interface Readiness {
  /** HTTP only: a GET of this target answers with a status below 400. */
  path?: string;
  /** The server's output matches this regular expression. */
  log?: string;
}

/** Start the image as a server and check one HTTP request. */
export interface HttpCheck extends CheckLaunch {
  kind: 'http';
  port: number;
  /** Default GET. */
  method?: string;
  /** Default `/`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  ready?: Readiness;
  /** See {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
  expect: {
    /** Default 200. */
    status?: number;
    /** Header name (any case) → regular expression its value must match. */
    headers?: Record<string, string>;
    body?: string;
  };
}

/** Start the image as a server and check that its port accepts a connection (and, optionally, an answer). */
export interface TcpCheck extends CheckLaunch {
  kind: 'tcp';
  port: number;
  send?: string;
  ready?: Pick<Readiness, 'log'>;
  requestTimeoutMs?: number;
  expect?: { response?: string };
}

/** Start the image as a server and run one of its commands inside it until it passes. */
export interface ExecCheck extends CheckLaunch {
  kind: 'exec';
  command: string[];
  expect: ProcessExpectation;
}

export type Check = CommandCheck | HttpCheck | TcpCheck | ExecCheck;

/** Kinds that start the image as a long-running server. */
export type ServerCheck = HttpCheck | TcpCheck | ExecCheck;

/** A validated probe file. */
export interface ProbeFile {
  /** Where it came from, for messages and reasons (`check 2 of probe.json`). */
  source: string;
  version: typeof PROBE_FORMAT_VERSION;
  /** At least one. */
  checks: Check[];
}

/** What was seen when a process ran. */
export interface ProcessObservation {
  kind: 'process';
  /** `null` when it was killed (time limit). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** What an HTTP request got back. */
export interface HttpObservation {
  kind: 'http';
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/** What a TCP connection got back. */
export interface TcpObservation {
  kind: 'tcp';
  received: string;
}

/** A server that never became ready: why, and what it printed. */
export interface NotReadyObservation {
  kind: 'not-ready';
  why: string;
  /** Whether the server's container had exited, and with which code. */
  exitCode?: number;
  log: string;
}

export type Observation = ProcessObservation | HttpObservation | TcpObservation | NotReadyObservation;

/** The verdict of one check on one image. */
export interface CheckOutcome {
  ok: boolean;
  /** Wall time of the check, container start to verdict. */
  durationMs: number;
  /** The expectations that did not hold, one line each; empty when ok. */
  failures: string[];
  observation: Observation;
}
