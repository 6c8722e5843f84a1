// @ts-check
/**
 * Three test tiers, told apart by where a test file is and how it is named (CONTRIBUTING.md), never by a list:
 *
 * - e2e:  `test/e2e/**` and `*.e2e.test.ts` need the Docker Engine and the offline base images;
 * - host: `*.host.test.ts` need Debian tools and binaries of this machine (lddtree, skopeo, umoci, gcc…);
 * - fast: every other `*.test.ts`: hermetic, nothing but Node and the repository.
 *
 * Test files are transpiled by swc without type checking; `npm run typecheck` checks src and test once.
 */
const E2E_DIR = '<rootDir>/test/e2e/';

/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript' },
        // As tsc emits for tsconfig.json's target ES2022: class fields are defined, not assigned.
        target: 'es2022',
        transform: { useDefineForClassFields: true },
      },
      module: { type: 'commonjs' },
    },
  ],
};

/** @param {string} name @param {import('jest').Config} tier @returns {import('jest').Config} */
function project(name, tier) {
  return {
    displayName: name,
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    transform,
    // Worker threads run the compiled modules of dist/: see test/support/module-worker.ts.
    moduleNameMapper: { '^\\./module-worker$': '<rootDir>/test/support/module-worker.ts' },
    ...tier,
  };
}

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  // One worker per core: the fast tier is CPU-bound, so one worker (jest's default on 2 cores) leaves a core idle
  // and more workers than cores do not help; the e2e suites pace their own builds (startBuilds).
  maxWorkers: '100%',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    project('fast', {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', E2E_DIR, '\\.e2e\\.test\\.ts$', '\\.host\\.test\\.ts$'],
    }),
    project('host', {
      testMatch: ['<rootDir>/test/**/*.host.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', E2E_DIR],
    }),
    project('e2e', {
      testMatch: [`${E2E_DIR}**/*.test.ts`, '<rootDir>/test/**/*.e2e.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    }),
  ],
};
