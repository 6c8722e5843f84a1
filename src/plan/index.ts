/** Analysis → slim plan (skeleton, COPY groups, runtime config). */
export { buildPlan, isCopyPattern, MAX_COPY_GROUPS, MAX_SOURCES_PER_COPY, type PlanOptions } from './build-plan';
export { runtimeConfig, goDuration } from './runtime-config';
export type * from './types';
