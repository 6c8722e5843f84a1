/** The main job: a Dockerfile and its image in, a FROM-scratch Dockerfile out. */
export { slim, checkImageMatchesTarget, type SlimOptions, type TraceRequest, type SlimResult, type SlimOutcome, type SelfContainedResult } from './slim';
export { acquireImageArchive, NoEngineError, type ImageRequest, type AcquireOptions } from './acquire';
