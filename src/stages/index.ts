/** Stage graph, target selection and variable scoping over the Dockerfile IR. */
export { resolveStages, type ResolveOptions } from './resolve';
export { platformArgs, defaultPlatform } from './scope';
export type * from './types';
