/** Stage graph, target selection and variable scoping over the Dockerfile IR. */
export { resolveStages, type ResolveOptions } from './resolve';
export { platformArgs, defaultPlatform } from './scope';
export type * from './types';
export { stagesReport, describeStages, type StagesReport, type StageSummary } from './report';
