/**
 * Dockerfile word expansion with BuildKit's semantics (frontend/dockerfile/shell/lex.go): quotes, escapes,
 * `$name`/`${name}` with the `-`, `+`, `?`, `#`, `%` and `/` forms, and field splitting.
 */
export { containsExpansion } from './expansion-detection';
export { EXPANSION_LIMITS, ExpansionBudget, type ExpansionLimits } from './expansion-budget';
export { expandWord, expandWordDetailed, expandWords, type DetailedExpansion, type ExpansionOptions } from './expansion';
export {
  createExpansionEnv,
  EMPTY_EXPANSION_ENV,
  envFromAssignments,
  type ExpansionEnv,
  type ExpansionEnvOptions,
  type ExpansionEnvSource,
} from './environment';
