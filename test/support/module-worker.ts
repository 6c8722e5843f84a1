/**
 * Stands in for src/image/module-worker.ts under jest (jest.config.js maps `./module-worker` here): the worker
 * runs the compiled module under dist/ (test/support/dist.ts), as it does when scratchify runs from dist/.
 */
import { Worker } from 'node:worker_threads';
import { compiledFile } from './dist';

/** A worker running the module at `modulePath` (a source path without extension). */
export function startModuleWorker(modulePath: string): Worker {
  return new Worker(compiledFile(`${modulePath}.ts`));
}
