/**
 * Starting a worker thread on one of our own modules. From dist/ the compiled `.js` sits beside this file and
 * runs as it is. From the TypeScript sources (ts-jest) there is no `.js`, and a worker thread is outside
 * Jest's module system, so the module and the relative modules it requires are transpiled here with the
 * TypeScript compiler (a dev dependency, present whenever the sources run) and the worker compiles them from
 * memory. Node 20 cannot strip types itself (`--experimental-strip-types` came in 22.6).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Runs `entry` with `.ts` requires served from `sources` (absolute path → CommonJS text). */
const FROM_SOURCES = `
const { workerData } = require('node:worker_threads');
const Module = require('node:module');
const { sources, entry } = workerData;
Module._extensions['.ts'] = (module, filename) => {
  if (!(filename in sources)) throw new Error(filename + ' was not transpiled for the worker');
  module._compile(sources[filename], filename);
};
require(entry);
`;

/** Relative requires in transpiled CommonJS: `require("./tar-header")`. */
const RELATIVE_REQUIRE = /require\("(\.{1,2}\/[^"]+)"\)/g;

const transpiled = new Map<string, Record<string, string>>();

/** The CommonJS text of `entry` (a .ts file) and of every .ts module it reaches by relative requires. */
function transpileClosure(entry: string): Record<string, string> {
  const cached = transpiled.get(entry);
  if (cached) return cached;
  const ts = require('typescript') as typeof import('typescript');
  const sources: Record<string, string> = {};
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (file in sources) continue;
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    sources[file] = outputText;
    for (const match of outputText.matchAll(RELATIVE_REQUIRE)) pending.push(`${path.resolve(path.dirname(file), match[1])}.ts`);
  }
  transpiled.set(entry, sources);
  return sources;
}

/** A worker running the module at `modulePath` (a path without extension, beside the caller's own file). */
export function startModuleWorker(modulePath: string): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(`${modulePath}.js`);
  const entry = `${modulePath}.ts`;
  return new Worker(FROM_SOURCES, { eval: true, workerData: { sources: transpileClosure(entry), entry } });
}
