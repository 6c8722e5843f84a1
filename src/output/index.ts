/**
 * Every file scratchify writes goes through here: outputs written all or nothing, never over a device, FIFO,
 * directory or symlink (output-set.ts), and temporary files and directories removed however the process ends
 * (cleanup.ts).
 */
export { OutputSet, StagedOutput, type OutputTarget } from './output-set';
export { temporaryDirectory } from './cleanup';
