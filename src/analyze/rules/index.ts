/** The rules an analysis runs by default, in order. */
import type { RuleSet } from '../analyzer';
import { elfDependenciesRule } from './elf-dependencies';
import { applicationRule, containerCommandRule, directoriesRule, healthcheckRule, keepGlobsRule } from './roots';
import { scriptsRule } from './scripts';

export const DEFAULT_RULES: RuleSet = {
  imageRules: [containerCommandRule, healthcheckRule, applicationRule, directoriesRule, keepGlobsRule],
  fileRules: [elfDependenciesRule, scriptsRule],
};
