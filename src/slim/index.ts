/** The main job: a Dockerfile and its image in, a FROM-scratch Dockerfile out. */
export { slim, checkImageMatchesTarget, NoEngineError, type SlimOptions, type SlimResult, type ImageRequest } from './slim';
