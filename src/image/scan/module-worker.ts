/**
 * Starting a worker thread on one of our own compiled modules, which sits beside this file as `.js`. Tests
 * run from the TypeScript sources, where there is no `.js`: jest.config.js maps this module to
 * test/support/module-worker.ts, which starts the compiled module under dist/ instead.
 */
import { Worker } from 'node:worker_threads';

/** A worker running the module at `modulePath` (a path without extension, beside the caller's own file). */
export function startModuleWorker(modulePath: string): Worker {
  return new Worker(`${modulePath}.js`);
}
