/** Every lint rule, one module each. The order here is the order of the generated docs. */
import type { LintRule } from '../types';
import { secretInArgEnv } from './secret-in-arg-env';
import { shellFormCommand } from './shell-form-command';

export const ALL_RULES: readonly LintRule[] = [shellFormCommand, secretInArgEnv];

export function findRule(id: string): LintRule | undefined {
  return ALL_RULES.find((rule) => rule.meta.id === id);
}
