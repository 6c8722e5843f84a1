import { explain, type Analysis as WhyAnalysis } from '../../../../src/analyze';
import { nodeRule } from '../../../../src/analyze/rules/node';
import { scanNodeImports } from '../../../../src/analyze/rules/node-imports';
import { analyzeWith, executable, keptPaths, writeRoot } from './runtime-fixtures';

const whySteps = (analysis: WhyAnalysis, path: string) => explain(analysis, path).chains.flat().map((step) => step.reason);

describe('scanNodeImports', () => {
  it.each([
    ["const a = require('a');", ['a']],
    ['import x, { y } from "./x.js";\nexport * from \'./y.mjs\';\nimport "side";', ['./x.js', './y.mjs', 'side']],
    ["const m = await import('dyn'); require.resolve('res');", ['dyn', 'res']],
    ["// require('no1')\n/* import 'no2' */ const s = \"require('no3')\"; const r = /require\\('no4'\\)/;", []],
    ['const t = `${require(`tpl`)} text`;', ['tpl']],
    ["x.require('not-a-module'); module.require('yes');", ['yes']],
    ['#!/usr/bin/env node\nrequire("after-shebang")', ['after-shebang']],
  ])('%j', (source, expected) => {
    expect(scanNodeImports(source).imports.map((found) => found.specifier)).toEqual(expected);
  });

  it('reports loads named at run time', () => {
    expect(scanNodeImports('require(name);\nimport(`./${x}`);').dynamic).toEqual([{ line: 1, kind: 'require' }, { line: 2, kind: 'dynamic-import' }]);
  });
});

describe('node rule', () => {
  const root = writeRoot({
    '/usr/bin/node': executable(),
    '/app/package.json': '{"name":"app","type":"commonjs","imports":{"#cfg":"./config/index.js"}}',
    '/app/server.js': "const lib = require('./lib');\nconst data = require('./data.json');\nconst dep = require('dep');\nconst scoped = require('@org/pkg/sub');\nrequire('#cfg');\nrequire('fs'); require('node:path');\nrequire('missing');\nrequire(name);\n",
    '/app/lib/index.js': "module.exports = require('../util')",
    '/app/util.js': '',
    '/app/data.json': '{}',
    '/app/config/index.js': '',
    '/app/unused.js': '',
    '/app/node_modules/dep/package.json': '{"main":"main.js"}',
    '/app/node_modules/dep/main.js': "require('inner'); require('hoisted'); try { require('optional-missing') } catch {}",
    '/app/node_modules/dep/build/addon.node': 'elf',
    '/app/node_modules/dep/node_modules/inner/index.js': '',
    '/app/node_modules/dep/node_modules/unused-nested/index.js': '',
    '/app/node_modules/hoisted/index.js': '',
    '/app/node_modules/@org/pkg/package.json': '{}',
    '/app/node_modules/@org/pkg/sub.js': "require('global-lib')",
    '/app/node_modules/never-loaded/index.js': '',
    '/usr/share/nodejs/global-lib/index.js': '',
    '/usr/share/nodejs/npm/index.js': '',
  });

  it('resolves requires and imports with Node\'s algorithm and keeps whole packages', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['node', '/app/server.js'] }, [nodeRule]);
    const kept = keptPaths(analysis);
    expect(kept).toEqual(expect.arrayContaining([
      '/app/package.json', '/app/lib/index.js', '/app/util.js', '/app/data.json', '/app/config/index.js',
      '/app/node_modules/dep/main.js', '/app/node_modules/dep/build/addon.node', '/app/node_modules/dep/node_modules/inner/index.js',
      '/app/node_modules/hoisted/index.js', '/app/node_modules/@org/pkg/sub.js', '/usr/share/nodejs/global-lib/index.js',
    ]));
    for (const absent of ['/app/unused.js', '/app/node_modules/never-loaded/index.js', '/app/node_modules/dep/node_modules/unused-nested/index.js', '/usr/share/nodejs/npm/index.js']) {
      expect(kept).not.toContain(absent);
    }
    // inside a kept package: the chain goes through the package directory to the require that named it
    expect(whySteps(analysis, '/app/node_modules/dep/main.js')).toContainEqual(expect.objectContaining({ rule: 'node-modules', by: '/app/server.js' }));
    const warnings = analysis.warnings.join('\n');
    expect(warnings).toMatch(/server\.js: line 7: cannot resolve 'missing'/);
    expect(warnings).toMatch(/server\.js: line 8: require\(\) of a module named at run time/);
    expect(warnings).not.toMatch(/optional-missing|'fs'|node:path/);
  });

  it('does nothing for JavaScript files when no node is kept', async () => {
    const analysis = await analyzeWith(root, { Cmd: ['/app/server.js'] }, [nodeRule]);
    expect(keptPaths(analysis)).not.toContain('/app/util.js');
  });
});
