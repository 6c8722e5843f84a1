import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze, type Analysis } from '../../../../src/analyze';
import { openImage, type LoadedImage } from '../../../../src/image';
import { buildImage, describeWithDocker, saveImage } from '../../../support/docker';
import { exportKept } from './kept-export';
import { RULES } from './system-root';

const SAMPLES = resolve(__dirname, '../../../../samples');

/** The `docker save` of a sample: the one already in /tmp, or built and saved now. */
async function sampleImage(name: string): Promise<LoadedImage> {
  const tar = `/tmp/img-${name}.tar`;
  if (!existsSync(tar)) {
    await buildImage(join(SAMPLES, name), `dev-${name}`);
    await saveImage(`dev-${name}`, tar);
  }
  return openImage(tar);
}

const rulesOf = (analysis: Analysis, path: string) => analysis.kept.find((kept) => kept.path === path)?.reasons.map((reason) => reason.rule) ?? [];

describeWithDocker('system files of the sample images', () => {
  jest.setTimeout(20 * 60_000);

  it('keeps what nginx-nonroot needs, and nginx accepts the kept tree', async () => {
    const image = await sampleImage('nginx-nonroot');
    const analysis = await analyze(image, {}, RULES);
    expect(image.config.User).toBe('www-data');
    expect(rulesOf(analysis, '/etc/nginx/nginx.conf')).toContain('path-string');
    expect(rulesOf(analysis, '/etc/nginx/mime.types')).toContain('config-include');
    expect(rulesOf(analysis, '/etc/nginx/conf.d/site.conf')).toContain('config-include');
    for (const dir of ['/var/lib/nginx', '/var/log/nginx', '/tmp/nginx']) expect(analysis.kept.find((k) => k.path === dir)).toMatchObject({ type: 'dir' });
    expect(analysis.kept.find((k) => k.path === '/tmp/nginx')?.uid).not.toBe(0);
    expect(rulesOf(analysis, '/etc/passwd')).toContain('passwd');
    expect(rulesOf(analysis, '/etc/group')).toContain('group');
    expect(rulesOf(analysis, '/etc/ssl/certs/ca-certificates.crt')).toContain('ca-bundle');
    for (const path of ['/etc/hostname', '/etc/resolv.conf', '/etc/shadow', '/etc/init.d/nginx']) expect(rulesOf(analysis, path)).toEqual([]);

    const dir = await exportKept(analysis, image.tree);
    try {
      const output = execFileSync('chroot', [dir, '/usr/sbin/nginx', '-t'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toBe('');
    } catch (error) {
      throw new Error(`nginx -t in the kept tree failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the CA bundle, accounts and zoneinfo for go-server', async () => {
    const image = await sampleImage('go-server');
    const analysis = await analyze(image, {}, RULES);
    const by = (path: string) => analysis.kept.find((k) => k.path === path)?.reasons.map((r) => `${r.rule}<${r.by ?? ''}`) ?? [];
    expect(by('/etc/ssl/certs/ca-certificates.crt')).toContain('ca-bundle</usr/local/bin/go-server');
    expect(by('/etc/passwd')).toContain('passwd<');
    // The zone database is kept because the program reads zones by name; each zone because it is inside it.
    expect(by('/usr/share/zoneinfo')).toContain('tzdata</usr/local/bin/go-server');
    expect(by('/usr/share/zoneinfo/Europe/Paris')).toContain('tzdata</usr/share/zoneinfo');
  });

  it('keeps the OpenSSL config, providers and CA bundle for c-openssl-zlib', async () => {
    const image = await sampleImage('c-openssl-zlib');
    const analysis = await analyze(image, {}, RULES);
    expect(rulesOf(analysis, '/etc/ssl/openssl.cnf')).toContain('openssl-config');
    expect(rulesOf(analysis, '/usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so')).toContain('openssl-module');
    expect(rulesOf(analysis, '/etc/ssl/certs/ca-certificates.crt')).toContain('ca-bundle');
  });

  it('keeps the files the entrypoint script reads and the directory it creates files in', async () => {
    const image = await sampleImage('entrypoint-script');
    const analysis = await analyze(image, {}, RULES);
    expect(rulesOf(analysis, '/etc/greeter/config.json.template')).toContain('path-string');
    expect(analysis.kept.find((k) => k.path === '/var/lib')).toMatchObject({ type: 'dir' });
  });
}, { hostTools: ['chroot'] });
