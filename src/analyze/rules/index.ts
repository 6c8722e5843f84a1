/** The rules an analysis runs by default, in order. */
import type { RuleSet } from '../analyzer';
import { elfDependenciesRule } from './elf-dependencies';
import { applicationRule, containerCommandRule, directoriesRule, givenRootsRule, healthcheckRule, keepGlobsRule } from './roots';
import { scriptsRule } from './scripts';
import { apkRule } from './apk';
import { javaClassPathRule, javaRule } from './java';
import { nodeRule } from './node';
import { perlRule } from './perl';
import { rubyRule } from './ruby';
import { javaManifestRule } from './java-manifest';
import { pythonDottedNamesRule, pythonModuleCommandRule, pythonRule } from './python';
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
  imageRules: [containerCommandRule, healthcheckRule, applicationRule, directoriesRule, keepGlobsRule, givenRootsRule, systemFilesImageRule, pythonModuleCommandRule, javaClassPathRule, pythonDottedNamesRule],
  fileRules: [elfDependenciesRule, scriptsRule, systemFilesFileRule, pathReferencesRule, dpkgRule, apkRule, pythonRule, nodeRule, javaRule, perlRule, rubyRule, javaManifestRule, pamRule, helperProgramsRule, postgresqlRule, phpRule, graphvizRule, fontconfigRule, imagemagickRule, apacheRule],
};

/**
 * Only the given roots (a trace) and what must be there for them without the program opening it by name: ELF
 * interpreters and libraries (the loader maps them; a trace sees them too, but a library the loader finds through
 * a symlink needs the link), the files the runtime reads from the image config (USER's account files, /tmp, TZ's
 * zone), the healthcheck (part of the contract, and probes rarely exercise it), WORKDIR and VOLUME directories and
 * `--keep` globs. Not the files a program might open by name (CA bundle, zone database, NSS modules, language
 * runtimes): a trace sees those when its checks use them, and `--trace-only` keeps only what was used.
 */
export const CLOSURE_RULES: RuleSet = {
  imageRules: [givenRootsRule, healthcheckRule, directoriesRule, keepGlobsRule, systemFilesImageRule],
  fileRules: [elfDependenciesRule],
};
