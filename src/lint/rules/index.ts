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
import { unpinnedOsPackage } from './unpinned-os-package';
import { unpinnedLanguagePackage } from './unpinned-language-package';
import { installWithoutYes } from './install-without-yes';
import { distributionUpgrade } from './distribution-upgrade';
import { aptInsteadOfAptGet } from './apt-instead-of-apt-get';
import { pipeWithoutPipefail } from './pipe-without-pipefail';
import { pipeDownloadToShell } from './pipe-download-to-shell';
import { sudoInRun } from './sudo-in-run';
import { useraddHighUid } from './useradd-high-uid';
import { cdInsteadOfWorkdir } from './cd-instead-of-workdir';
import { shellSymlink } from './shell-symlink';
import { pointlessCommand } from './pointless-command';
import { wgetAndCurl } from './wget-and-curl';
import { wgetProgress } from './wget-progress';
import { consecutiveRun } from './consecutive-run';
import { copyWholeStage } from './copy-whole-stage';
import { addRemoteWithoutChecksum } from './add-remote-without-checksum';
import { copyRelativeDestination } from './copy-relative-destination';
import { copyMultipleSourcesDestination } from './copy-multiple-sources-destination';
import { multipleInstructions } from './multiple-instructions';
import { workdirRelativePath } from './workdir-relative-path';
import { envSelfReference } from './env-self-reference';
import { legacyKeyValueFormat } from './legacy-key-value-format';
import { maintainerDeprecated } from './maintainer-deprecated';
import { undefinedArgInFrom } from './undefined-arg-in-from';
import { invalidDefaultArgInFrom } from './invalid-default-arg-in-from';
import { redundantTargetPlatform } from './redundant-target-platform';
import { fromPlatformFlagConst } from './from-platform-flag-const';
import { fromAsCasing } from './from-as-casing';
import { stageNameCasing } from './stage-name-casing';
import { duplicateStageName } from './duplicate-stage-name';
import { reservedStageName } from './reserved-stage-name';
import { consistentInstructionCasing } from './consistent-instruction-casing';
import { noEmptyContinuation } from './no-empty-continuation';
import { exposeProtoCasing } from './expose-proto-casing';
import { exposeInvalidFormat } from './expose-invalid-format';

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
  unpinnedOsPackage,
  unpinnedLanguagePackage,
  installWithoutYes,
  distributionUpgrade,
  aptInsteadOfAptGet,
  pipeWithoutPipefail,
  pipeDownloadToShell,
  sudoInRun,
  useraddHighUid,
  cdInsteadOfWorkdir,
  shellSymlink,
  pointlessCommand,
  wgetAndCurl,
  wgetProgress,
  consecutiveRun,
  copyWholeStage,
  addRemoteWithoutChecksum,
  copyRelativeDestination,
  copyMultipleSourcesDestination,
  multipleInstructions,
  workdirRelativePath,
  envSelfReference,
  legacyKeyValueFormat,
  maintainerDeprecated,
  undefinedArgInFrom,
  invalidDefaultArgInFrom,
  redundantTargetPlatform,
  fromPlatformFlagConst,
  fromAsCasing,
  stageNameCasing,
  duplicateStageName,
  reservedStageName,
  consistentInstructionCasing,
  noEmptyContinuation,
  exposeProtoCasing,
  exposeInvalidFormat,
];

export const ALL_RULES: readonly LintRule[] = [...DOCKERFILE_RULES, ...IMAGE_RULES];

export function findRule(id: string): LintRule | undefined {
  return ALL_RULES.find((rule) => rule.meta.id === id);
}
