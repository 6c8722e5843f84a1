/** Probes: the format (docs/probe.md, probe.schema.json), its loader, and the runner that checks an image against it. */
export * from './types';
export { PROBE_SCHEMA, MAX_PROBE_FILE_BYTES, parseProbeFile, readProbeFile, healthcheckProbe, checkLabel } from './load';
export { validate, type SchemaNode, type SchemaViolation } from './schema-validation';
export { ContainerRuntime, runtimeOf, resourceName, type ContainerSpec, type Mount, type ClientResult } from './container-runtime';
export { ContainerSession } from './session';
export { openNetwork, type ProbeNetwork } from './network';
export { runCheck, type CheckEnvironment, type LaunchWrapper } from './run-check';
export { probeImage, type ProbeImageOptions } from './probe-image';
export { loadImageArchive, requireImage } from './image-loading';
export { judge, describeObservation, firstDifference, clip } from './expectations';
export { httpRequest, tcpExchange } from './clients';
