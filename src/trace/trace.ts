/**
 * `--trace probe.json`: runs every check of a probe on the fat image with strace inside the engine (see
 * host-tracer.ts for how, and why it needs no privilege), and turns what the checks' processes opened and
 * executed into analysis roots (roots.ts). A check must pass under the tracer: the trace of a run that did not
 * do its job is no evidence of what the job needs.
 */
import { chmodSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { GivenRoot } from '../analyze';
import { ScratchifyError } from '../errors';
import { temporaryDirectory } from '../output';
import { findEngine, type Engine } from '../image/engine';
import type { ImageConfig } from '../image/source';
import { ContainerSession, describeObservation, loadImageArchive, openNetwork, requireImage, runCheck, runtimeOf, type CheckOutcome, type ContainerSpec, type LaunchWrapper, type ProbeFile } from '../probe';
import type { FileTree } from '../tree/types';
import { checkArchitecture, findHostTracer, LOG_DIRECTORY, ptraceRefusal, tracedCommand, tracerMounts, type HostTracer } from './host-tracer';
import { probeLabel, traceRoots, type CheckAccesses } from './roots';
import { StraceLogReader } from './strace-log';

/** A log larger than this is refused: a trace of a few checks is far smaller, and reading must stay bounded. */
export const MAX_TRACE_LOG_BYTES = 1024 * 1024 * 1024;

export interface TraceOptions {
  probe: ProbeFile;
  /** The fat image as the analysis reads it: roots are checked against its tree; ENTRYPOINT/CMD come from its config. */
  image: { tree: FileTree; config: ImageConfig };
  /** How the engine runs it: an image it has, or an archive to load for the run. */
  run: { kind: 'reference'; reference: string } | { kind: 'archive'; path: string };
  /** As `verify --network`. */
  network?: string;
  /** Inject an engine (tests); default `findEngine()`, `null` for none. */
  engine?: Engine | null;
  /** Inject the host's tracer (tests); default `findHostTracer()`. */
  tracer?: HostTracer;
  onProgress?: (message: string) => void;
}

export interface TraceResult {
  /** What the checks opened and executed, per check. */
  checks: CheckAccesses[];
  /** The analysis roots, with reasons. */
  roots: GivenRoot[];
  outcomes: CheckOutcome[];
}

/** Reads one log strace wrote into the shared directory: a regular file, never followed through a link. */
function readLog(path: string, reader: StraceLogReader): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ScratchifyError('engine', `cannot read the trace log ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ScratchifyError('engine', `the trace log ${path} is not a regular file`);
    if (stat.size > MAX_TRACE_LOG_BYTES) throw new ScratchifyError('engine', `the trace log is ${stat.size} bytes, more than the ${MAX_TRACE_LOG_BYTES} read`);
    const buffer = Buffer.alloc(1024 * 1024);
    let carry = Buffer.alloc(0);
    let total = 0;
    for (;;) {
      const count = readSync(fd, buffer, 0, buffer.length, null);
      if (count === 0) break;
      total += count;
      if (total > MAX_TRACE_LOG_BYTES) throw new ScratchifyError('engine', `the trace log grew past ${MAX_TRACE_LOG_BYTES} bytes while read`);
      // Lines are split on bytes, so a UTF-8 character is never cut between two reads.
      const chunk = Buffer.concat([carry, buffer.subarray(0, count)]);
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
        reader.push(chunk.toString('utf8', start, end));
        start = end + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
    }
    if (carry.length > 0) reader.push(carry.toString('utf8'));
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Wraps every container and exec of a check in strace, remembering the logs it should find afterwards. */
class TracingWrapper implements LaunchWrapper {
  readonly stopSignal = 'TERM';
  logs: string[] = [];
  private count = 0;

  constructor(
    private readonly tracer: HostTracer,
    private readonly config: ImageConfig,
    private readonly mounts: ReturnType<typeof tracerMounts>,
  ) {}

  private log(kind: string): string {
    const name = `${kind}-${++this.count}.log`;
    this.logs.push(name);
    return posix.join(LOG_DIRECTORY, name);
  }

  container(spec: ContainerSpec): ContainerSpec {
    // What the engine would run: ENTRYPOINT, then the check's arguments or CMD (`docker run IMAGE ARGS…`).
    const argv = [...(this.config.Entrypoint ?? []), ...(spec.args ?? this.config.Cmd ?? [])];
    if (argv.length === 0) throw new ScratchifyError('engine', 'the image has neither ENTRYPOINT nor CMD: nothing to trace');
    return { ...spec, entrypoint: tracedCommand(this.tracer, this.log('run'), argv), args: [], mounts: [...(spec.mounts ?? []), ...this.mounts], capAdd: [...(spec.capAdd ?? []), 'SYS_PTRACE'] };
  }

  exec(command: string[]): string[] {
    return tracedCommand(this.tracer, this.log('exec'), command);
  }
}

/** Runs the probe's checks under strace on the fat image and returns the roots they give. */
export async function traceProbe(options: TraceOptions): Promise<TraceResult> {
  const progress = options.onProgress ?? (() => undefined);
  const engine = options.engine === undefined ? await findEngine() : options.engine;
  const runtime = runtimeOf(engine);
  const tracer = options.tracer ?? (await findHostTracer());
  checkArchitecture(tracer, options.image.config.architecture);
  const session = new ContainerSession(runtime);
  const temporary = temporaryDirectory('scratchify-trace-');
  const work = temporary.path;
  try {
    // The container's user (any uid, the image's USER) writes the logs; the private parent keeps others out.
    const logDirectory = join(work, 'log');
    mkdirSync(logDirectory);
    chmodSync(logDirectory, 0o777);
    const image = options.run.kind === 'reference' ? await requireImage(session, options.run.reference) : await loadImageArchive(session, options.run.path);
    const network = await openNetwork(session, options.network);
    const wrapper = new TracingWrapper(tracer, options.image.config, tracerMounts(tracer, logDirectory));
    const label = probeLabel(options.probe.source);
    const checks: CheckAccesses[] = [];
    const outcomes: CheckOutcome[] = [];
    for (const [index, check] of options.probe.checks.entries()) {
      const number = index + 1;
      progress(`tracing check ${number} of ${options.probe.checks.length}`);
      wrapper.logs = [];
      const outcome = await runCheck({ session, network, wrapper }, image, check);
      outcomes.push(outcome);
      const reader = new StraceLogReader();
      const found = wrapper.logs.filter((name) => readLog(join(logDirectory, name), reader));
      const seen = describeObservation(outcome.observation);
      const refusal = found.length === 0 || !outcome.ok ? ptraceRefusal(seen) : undefined;
      if (refusal) {
        throw new ScratchifyError('engine', `${session.runtime.name} does not let strace trace inside the container (${JSON.stringify(refusal)}); --trace needs ptrace allowed with --cap-add SYS_PTRACE under the engine's default seccomp profile`);
      }
      if (found.length === 0) {
        throw new ScratchifyError('engine', `strace wrote no log for check ${number} of ${label}: ${outcome.failures[0] ?? seen.split('\n')[0]}`);
      }
      if (!outcome.ok) {
        throw new ScratchifyError('analysis', `check ${number} of ${label} fails on the image under the tracer, so its trace is no evidence: ${outcome.failures.join('; ')}`);
      }
      checks.push({ check: number, accesses: reader.accesses });
    }
    progress('choosing roots from the trace');
    return { checks, roots: await traceRoots(options.image.tree, checks, options.probe.source), outcomes };
  } finally {
    await session.close();
    temporary.remove();
  }
}
