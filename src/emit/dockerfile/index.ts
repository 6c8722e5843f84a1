/**
 * The Dockerfile emitters: the exact form from a slim plan (exact.ts), and the self-contained form that
 * decides what to keep while it builds (self-contained.ts). Both keep the user's text (original.ts) and
 * write every value that came from an image or a Dockerfile through the rules of quoting.ts.
 */
export { emitDockerfile, type DockerfileEmitInput } from './exact';
export { emitSelfContained, COLLECT_STAGE, type SelfContainedInput } from './self-contained';
export { targetAlias } from './original';
export { SKELETON_STAGE } from './skeleton';
export { UnwritableValueError, isWellFormed, visible } from './quoting';
