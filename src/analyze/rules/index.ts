/** The rules an analysis runs by default, in order. */
import type { RuleSet } from '../analyzer';
import { elfDependenciesRule } from './elf-dependencies';
import { applicationRule, containerCommandRule, directoriesRule, healthcheckRule, keepGlobsRule } from './roots';
import { scriptsRule } from './scripts';
import { apkRule } from './apk';
import { javaClassPathRule, javaRule } from './java';
import { nodeRule } from './node';
import { perlRule } from './perl';
import { pythonModuleCommandRule, pythonRule } from './python';
import { dpkgRule } from './dpkg';
import { pathReferencesRule } from './path-references';
import { systemFilesFileRule, systemFilesImageRule } from './system-files';
import { pamRule } from './pam';
import { helperProgramsRule } from './helper-programs';
import { postgresqlRule } from './postgresql';
import { phpRule } from './php';
import { graphvizRule } from './graphviz';
import { fontconfigRule } from './fontconfig';
import { imagemagickRule } from './imagemagick';
import { apacheRule } from './apache';

export const DEFAULT_RULES: RuleSet = {
  imageRules: [containerCommandRule, healthcheckRule, applicationRule, directoriesRule, keepGlobsRule, systemFilesImageRule, pythonModuleCommandRule, javaClassPathRule],
  fileRules: [elfDependenciesRule, scriptsRule, systemFilesFileRule, pathReferencesRule, dpkgRule, apkRule, pythonRule, nodeRule, javaRule, perlRule, pamRule, helperProgramsRule, postgresqlRule, phpRule, graphvizRule, fontconfigRule, imagemagickRule, apacheRule],
};
