/**
 * `scratchify lint`: rules over a Dockerfile (and, with an image, over its analysis), pragmas, config, and
 * formatters. Flow: input → `lint` → `LintResult` (findings + metadata of the rules that ran) → a formatter.
 */
export { lint, lintExitCode, imageSummary, SYNTAX_RULE, type LintInput } from './linter';
export { ALL_RULES, findRule } from './rules';
export { loadConfig, findConfigFile, parseByteSize, parsePercent, ConfigError, CONFIG_FILE_NAMES, type LintConfig, type RuleSetting } from './config';
export type * from './types';
export { SEVERITIES } from './types';
export { lintProject, type LintProjectOptions } from './lint-project';
export { FORMATS, formatResult, lintJson, sarifLog, type FormatName, type FormatOptions } from './formatters';
