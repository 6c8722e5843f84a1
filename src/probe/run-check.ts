/**
 * Running one check on one image through the engine. The runner puts nothing into the image and needs nothing
 * from it beyond its own program: the same check must pass on a fat image and on a FROM-scratch one (no shell, no
 * curl). Command checks run the container in the foreground; server checks start it in the background, wait
 * until it is ready, and reach it from this process (see network.ts). Every container is removed afterwards.
 *
 * A misbehaving image is an outcome with `ok: false`, never an exception; exceptions are for the engine failing
 * (no such image, cannot start a container at all).
 */
import { ScratchifyError } from '../errors';
import { httpRequest, tcpExchange } from './clients';
import { resourceName, sleep, type ContainerSpec } from './container-runtime';
import { judge, showPattern } from './expectations';
import { canConnect, checkHostPortFree, serverAddress, type ProbeNetwork } from './network';
import type { ContainerSession } from './session';
import { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type Check, type CheckOutcome, type ExecCheck, type HttpCheck, type Observation, type TcpCheck } from './types';

/** How a tracer (or anything else) changes the way a check's containers run. */
export interface LaunchWrapper {
  /** The spec of a check's container, changed. */
  container(spec: ContainerSpec): ContainerSpec;
  /** An exec check's command line, changed. */
  exec(command: string[]): string[];
  /** Sent to a server's first process before its container is removed, so it can finish writing (then waited for). */
  stopSignal?: string;
}

/** Where and how checks run. */
export interface CheckEnvironment {
  session: ContainerSession;
  network: ProbeNetwork;
  wrapper?: LaunchWrapper;
}

/** How often readiness and exec checks try again. */
const RETRY_INTERVAL_MS = 250;

/** The engine's client prints these when the image itself is missing: an error of the run, not of the image. */
const NO_SUCH_IMAGE = /No such image|image not known|Unable to find image|pull access denied|not found in local storage/i;

function baseSpec(env: CheckEnvironment, image: string, check: Check): ContainerSpec {
  return {
    image,
    name: env.session.container(resourceName('check')),
    network: env.network.name,
    args: check.args,
    env: check.env,
    user: check.user,
    workdir: check.workdir,
  };
}

/** Runs `check` on `image`; the verdict and what was seen. */
export async function runCheck(env: CheckEnvironment, image: string, check: Check): Promise<CheckOutcome> {
  const started = Date.now();
  const observation = check.kind === 'command' ? await runCommand(env, image, check) : await runServer(env, image, check);
  const failures = judge(check, observation);
  return { ok: failures.length === 0, durationMs: Date.now() - started, failures, observation };
}

async function runCommand(env: CheckEnvironment, image: string, check: Extract<Check, { kind: 'command' }>): Promise<Observation> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let spec: ContainerSpec = { ...baseSpec(env, image, check), interactive: check.stdin !== undefined };
  if (env.wrapper) spec = env.wrapper.container(spec);
  try {
    const result = await env.session.runtime.run(spec, { stdin: check.stdin, timeoutMs });
    if (result.code !== null && result.code >= 125 && NO_SUCH_IMAGE.test(result.stderr)) {
      throw new ScratchifyError('engine', `${env.session.runtime.name} cannot run ${image}: ${result.stderr.trim().split('\n').slice(-1)[0]}`);
    }
    return { kind: 'process', exitCode: result.code, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut };
  } finally {
    await env.session.removeContainer(spec.name);
  }
}

/** Waits until the server is ready; returns where to reach it, or why it never was. */
async function waitReady(env: CheckEnvironment, name: string, check: HttpCheck | TcpCheck): Promise<{ address: string } | { notReady: Observation }> {
  const runtime = env.session.runtime;
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let waitingFor = `nothing listened on port ${check.port} within ${timeoutMs} ms`;
  while (Date.now() < deadline) {
    const state = await runtime.state(name);
    if (!state.running) {
      return { notReady: { kind: 'not-ready', why: `the server exited with code ${state.exitCode} before it was ready (${waitingFor.replace(/ within .*/, '')})`, exitCode: state.exitCode, log: await runtime.logs(name) } };
    }
    const address = await serverAddress(runtime, env.network, name);
    if (address !== undefined && (await canConnect(address, check.port))) {
      const logPattern = check.ready?.log;
      const readyPath = check.kind === 'http' ? check.ready?.path : undefined;
      let ready = true;
      if (logPattern !== undefined && !new RegExp(logPattern).test(await runtime.logs(name))) {
        ready = false;
        waitingFor = `the server's log did not match ${showPattern(logPattern)} within ${timeoutMs} ms`;
      }
      if (ready && readyPath !== undefined) {
        const answer = await httpRequest({ address, port: check.port, method: 'GET', path: readyPath, timeoutMs: Math.max(1000, Math.min(5000, deadline - Date.now())) }).catch(() => undefined);
        if (!answer || answer.status >= 400) {
          ready = false;
          waitingFor = `GET ${readyPath} did not answer below 400 within ${timeoutMs} ms${answer ? ` (last status ${answer.status})` : ''}`;
        }
      }
      if (ready) return { address };
    }
    await sleep(RETRY_INTERVAL_MS);
  }
  const state = await runtime.state(name);
  return { notReady: { kind: 'not-ready', why: waitingFor, exitCode: state.running ? undefined : state.exitCode, log: await runtime.logs(name) } };
}

async function runServer(env: CheckEnvironment, image: string, check: HttpCheck | TcpCheck | ExecCheck): Promise<Observation> {
  if (env.network.mode === 'none' && check.kind !== 'exec') {
    throw new ScratchifyError('engine', `a ${check.kind} check needs a network to reach the server; --network none allows only command and exec checks`);
  }
  if (check.kind !== 'exec') await checkHostPortFree(env.network, check.port);
  let spec = baseSpec(env, image, check);
  if (env.wrapper) spec = env.wrapper.container(spec);
  const runtime = env.session.runtime;
  try {
    try {
      await runtime.start(spec);
    } catch (error) {
      // A container that cannot start because of the image (its program is missing) is the image's failure.
      const message = (error as Error).message;
      if (NO_SUCH_IMAGE.test(message)) throw error;
      return { kind: 'not-ready', why: `the server did not start: ${message}`, exitCode: 127, log: '' };
    }
    const observation = check.kind === 'exec' ? await runExec(env, spec.name, check) : await exchange(env, spec.name, check);
    if (env.wrapper?.stopSignal) await runtime.stop(spec.name, env.wrapper.stopSignal, 15_000);
    return observation;
  } finally {
    await env.session.removeContainer(spec.name);
  }
}

async function exchange(env: CheckEnvironment, name: string, check: HttpCheck | TcpCheck): Promise<Observation> {
  const ready = await waitReady(env, name, check);
  if ('notReady' in ready) return ready.notReady;
  const timeoutMs = check.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  try {
    if (check.kind === 'http') {
      return await httpRequest({ address: ready.address, port: check.port, method: check.method ?? 'GET', path: check.path ?? '/', headers: check.headers, body: check.body, timeoutMs });
    }
    return await tcpExchange({ address: ready.address, port: check.port, send: check.send, timeoutMs });
  } catch (error) {
    const state = await env.session.runtime.state(name);
    return { kind: 'not-ready', why: `no answer from port ${check.port}: ${(error as Error).message}`, exitCode: state.running ? undefined : state.exitCode, log: await env.session.runtime.logs(name) };
  }
}

/** Retries the command inside the running container until it passes, the server stops, or the time is up. */
async function runExec(env: CheckEnvironment, name: string, check: ExecCheck): Promise<Observation> {
  const runtime = env.session.runtime;
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let last: Observation | undefined;
  while (Date.now() < deadline) {
    const state = await runtime.state(name);
    if (!state.running) {
      return { kind: 'not-ready', why: `the server exited with code ${state.exitCode} before the command passed`, exitCode: state.exitCode, log: await runtime.logs(name) };
    }
    const command = env.wrapper ? env.wrapper.exec(check.command) : check.command;
    const result = await runtime.exec(name, command, { timeoutMs: Math.max(1000, deadline - Date.now()) });
    last = { kind: 'process', exitCode: result.code, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut };
    if (judge(check, last).length === 0) return last;
    await sleep(RETRY_INTERVAL_MS * 2);
  }
  return last ?? { kind: 'not-ready', why: `the command did not run within ${timeoutMs} ms`, log: await runtime.logs(name) };
}
