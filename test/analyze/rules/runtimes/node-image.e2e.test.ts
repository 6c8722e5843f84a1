/**
 * The Node rule against the real node-express sample: the kept set, written into a directory, serves the
 * sample's API under chroot with the answer its probe (which the fat image passes) expects, while holding
 * only the packages server.js reaches.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type Analysis } from '../../../../src/analyze';
import { DEFAULT_RULES } from '../../../../src/analyze/rules';
import { nodeRule } from '../../../../src/analyze/rules/node';
import { openImage } from '../../../../src/image';
import { describeWithDocker } from '../../../support/docker';
import { materialize } from '../../../support/materialize';
import { sampleImage } from './runtime-fixtures';

const APP = '/usr/src/app';

function fetchText(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on('error', reject);
  });
}

describeWithDocker('node rule on the node-express sample', () => {
  const work = mkdtempSync(join(tmpdir(), 'scratchify-node-image-'));
  let analysis: Analysis;
  let image: Awaited<ReturnType<typeof openImage>>;

  beforeAll(async () => {
    const sample = await sampleImage('node-express', work);
    image = await openImage(sample.tar);
    analysis = await analyze({ tree: image.tree, config: image.config }, {}, { imageRules: DEFAULT_RULES.imageRules, fileRules: [...DEFAULT_RULES.fileRules, nodeRule] });
  }, 15 * 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('keeps the packages server.js loads, their package.json files, and not the rest of the image', () => {
    const kept = new Set(analysis.kept.map((k) => k.path));
    for (const path of [`${APP}/server.js`, `${APP}/package.json`, `${APP}/node_modules/express/package.json`, `${APP}/node_modules/express/lib/express.js`, `${APP}/node_modules/morgan/index.js`, `${APP}/node_modules/body-parser/index.js`]) {
      expect(kept).toContain(path);
    }
    // The package is kept because server.js requires it, and its files because they are inside it.
    const express = analysis.kept.find((k) => k.path === `${APP}/node_modules/express`);
    expect(express?.reasons).toContainEqual(expect.objectContaining({ rule: 'node-modules', by: `${APP}/server.js`, detail: expect.stringMatching(/^require\('express'\) at line \d+$/) }));
    const index = analysis.kept.find((k) => k.path === `${APP}/node_modules/express/index.js`);
    expect(index?.reasons).toContainEqual(expect.objectContaining({ rule: 'node-modules', by: `${APP}/node_modules/express` }));
    // npm itself (Debian's /usr/share/nodejs/npm) is in the image but nothing the server runs loads it.
    expect([...image.tree.entries()].some((e) => e.path.startsWith('/usr/share/nodejs/npm/'))).toBe(true);
    expect([...kept].some((p) => p.startsWith('/usr/share/nodejs/npm/'))).toBe(false);
    const imagePackages = [...image.tree.entries()].filter((e) => /\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(e.path) && e.type === 'dir').length;
    const keptPackages = analysis.kept.filter((k) => /\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(k.path) && k.type === 'dir').length;
    process.stdout.write(`node-express: ${keptPackages} of ${imagePackages} package dirs kept; ${analysis.kept.length} paths, ${(analysis.totals.keptBytes / 1e6).toFixed(1)} of ${(analysis.totals.imageBytes / 1e6).toFixed(1)} MB\nwarnings:\n${analysis.warnings.join('\n')}\n`);
    expect(analysis.warnings.filter((w) => w.startsWith(APP))).toEqual([]);
  });

  it('serves the probe request chroot-ed in the kept set', async () => {
    const root = join(work, 'root');
    mkdirSync(root);
    await materialize(image.tree, root, { paths: analysis.kept.map((k) => k.path) });
    const port = 20000 + (process.pid % 20000);
    const env = Object.fromEntries(image.config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const server = spawn('chroot', [root, '/usr/bin/node', `${APP}/server.js`], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const started = Date.now();
      while (!output.includes('listening') && server.exitCode === null && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain(`node-express listening on ${port}`);
      const probe = JSON.parse(readFileSync(join(__dirname, '../../../../samples/node-express/probe.json'), 'utf8')) as { path: string; expect: { body: string; headers: Record<string, string> } };
      const response = await fetchText(`http://127.0.0.1:${port}${probe.path}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatch(new RegExp(probe.expect.body));
      for (const [name, pattern] of Object.entries(probe.expect.headers)) expect(String(response.headers[name])).toMatch(new RegExp(pattern));
    } finally {
      server.kill('SIGTERM');
    }
  }, 5 * 60_000);
}, { hostTools: ['chroot'] });
