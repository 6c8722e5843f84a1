/** `--trace`: what a probe's checks really open and execute in the fat image, as analysis roots with reasons. */
export { traceProbe, MAX_TRACE_LOG_BYTES, type TraceOptions, type TraceResult } from './trace';
export { traceRoots, isEngineProvided, probeLabel, TRACER_DIRECTORY, type CheckAccesses } from './roots';
export { parseStraceLog, unescapeStrace, StraceLogReader, type FileAccess } from './strace-log';
export { findHostTracer, parseLoaderList, tracedCommand, tracerMounts, ptraceRefusal, checkArchitecture, LOG_DIRECTORY, type HostTracer } from './host-tracer';
