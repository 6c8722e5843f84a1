/** Every lint rule, one module each. The order here is the order of the generated docs. */
import type { LintRule } from '../types';
import { secretInArgEnv } from './secret-in-arg-env';
import { shellFormCommand } from './shell-form-command';
import { finalStageDistribution } from './final-stage-distribution';
import { buildToolsInFinalStage } from './build-tools-in-final-stage';
import { downloadToolsInFinalStage } from './download-tools-in-final-stage';
import { packageCacheNotCleaned } from './package-cache-not-cleaned';
import { aptInstallRecommends } from './apt-install-recommends';
import { cleanupInSeparateLayer } from './cleanup-in-separate-layer';
import { unneededBytes } from './unneeded-bytes';
import { layerWaste } from './layer-waste';
import { setuidFiles } from './setuid-files';
import { worldWritableFiles } from './world-writable-files';
import { shellInImage } from './shell-in-image';
import { packageManagerInImage } from './package-manager-in-image';
import { packageDatabaseDropped } from './package-database-dropped';
import { copyWholeContext } from './copy-whole-context';
import { addInsteadOfCopy } from './add-instead-of-copy';
import { finalStageRoot } from './final-stage-root';
import { baseImageTag } from './base-image-tag';
import { unusedStage } from './unused-stage';
import { missingDockerignore } from './missing-dockerignore';

/** Rules over the built image (need --image-archive, --image or --build). */
const IMAGE_RULES: readonly LintRule[] = [unneededBytes, layerWaste, setuidFiles, worldWritableFiles, shellInImage, packageManagerInImage, packageDatabaseDropped];

/** Rules over the Dockerfile alone. */
const DOCKERFILE_RULES: readonly LintRule[] = [
  finalStageDistribution,
  buildToolsInFinalStage,
  downloadToolsInFinalStage,
  packageCacheNotCleaned,
  aptInstallRecommends,
  cleanupInSeparateLayer,
  copyWholeContext,
  addInsteadOfCopy,
  shellFormCommand,
  finalStageRoot,
  secretInArgEnv,
  baseImageTag,
  unusedStage,
  missingDockerignore,
];

export const ALL_RULES: readonly LintRule[] = [...DOCKERFILE_RULES, ...IMAGE_RULES];

export function findRule(id: string): LintRule | undefined {
  return ALL_RULES.find((rule) => rule.meta.id === id);
}
