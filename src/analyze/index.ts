/** Which files of an image the final stage needs at run time, and why. */
export { analyze, closureRules, containerCommand, defaultRules, DEFAULT_PATH, REASON_SAMPLE, type AnalysisInput, type RuleSet } from './analyzer';
export { analyzeImage, analyzeLoadedImage, applicationCopies, keepComments, type DockerfileContext, type ImageAnalysisOptions } from './image-analysis';
export { explain, type Explanation, type ReasonStep } from './explain';
export { parseElf, hasElfMagic, type ElfInfo } from './elf';
export { parseLdCache, type LdCache } from './ldcache';
export { elfClosure, type ElfClosure, type ClosureOptions } from './loader';
export type * from './types';
