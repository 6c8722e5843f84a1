/** The main job: a Dockerfile and its image in, a FROM-scratch Dockerfile out. */
export { slim, checkImageMatchesTarget, NoEngineError, type SlimOptions, type SlimResult, type SlimOutcome, type SelfContainedResult, type ImageRequest } from './slim';
