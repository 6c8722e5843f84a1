/** The rules an analysis runs by default, in order. */
import type { RuleSet } from '../analyzer';
import { elfDependenciesRule } from './elf-dependencies';
import { applicationRule, containerCommandRule, directoriesRule, givenRootsRule, healthcheckRule, keepGlobsRule } from './roots';
import { scriptsRule } from './scripts';
import { apkRule } from './apk';
import { javaClassPathRule, javaRule } from './java';
import { nodeRule } from './node';
import { perlRule } from './perl';
import { pythonModuleCommandRule, pythonRule } from './python';
import { dpkgRule } from './dpkg';
import { pathReferencesRule } from './path-references';
import { systemFilesFileRule, systemFilesImageRule } from './system-files';

export const DEFAULT_RULES: RuleSet = {
  imageRules: [containerCommandRule, healthcheckRule, applicationRule, directoriesRule, keepGlobsRule, givenRootsRule, systemFilesImageRule, pythonModuleCommandRule, javaClassPathRule],
  fileRules: [elfDependenciesRule, scriptsRule, systemFilesFileRule, pathReferencesRule, dpkgRule, apkRule, pythonRule, nodeRule, javaRule, perlRule],
};

/**
 * Only the given roots (a trace) and what the loader and the system need for them: ELF interpreters and
 * libraries, the system files rules, the healthcheck (part of the contract, and probes rarely exercise it),
 * WORKDIR and VOLUME directories and `--keep` globs. No language-runtime or script rules: what they would find
 * statically, the trace either saw used or did not.
 */
export const CLOSURE_RULES: RuleSet = {
  imageRules: [givenRootsRule, healthcheckRule, directoriesRule, keepGlobsRule, systemFilesImageRule],
  fileRules: [elfDependenciesRule, systemFilesFileRule],
};
