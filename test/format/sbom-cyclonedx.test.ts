/**
 * The CycloneDX SBOM of a slim image: valid against the official CycloneDX 1.5 JSON schema (the library's
 * strict validator), with the kept OS packages, language packages and unowned files, and nothing dropped.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { analyze } from '../../src/analyze';
import { cycloneDxSbom } from '../../src/format/sbom-cyclonedx';
import { openImage, type ImageConfig } from '../../src/image';
import { debianRoot } from '../packages/package-roots';

function config(overrides: Partial<ImageConfig>): ImageConfig {
  return { architecture: 'amd64', os: 'linux', Env: ['PATH=/usr/bin:/bin'], ExposedPorts: [], Volumes: [], Labels: {}, diffIds: [], raw: {}, ...overrides };
}

describe('CycloneDX SBOM of the slim image', () => {
  const root = debianRoot();
  const put = (path: string, content: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  put('srv/app/main.py', 'print(1)\n');
  put('usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n\nbody\n');
  put('usr/lib/python3/dist-packages/requests-2.31.0.dist-info/RECORD', '');
  put('srv/app/node_modules/@scope/pkg/package.json', '{"name":"@scope/pkg","version":"1.2.3"}');
  put('srv/app/node_modules/@scope/pkg/index.js', '');
  put('srv/app/lib/guava-32.1.2.jar', 'PK');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function sbom(): Promise<{ text: string; json: any }> {
    const image = await openImage(root);
    const analysis = await analyze(
      { tree: image.tree, config: config({ Entrypoint: ['/usr/bin/hello'] }) },
      { keep: ['/srv/app/**', '/usr/lib/python3/dist-packages/requests-2.31.0.dist-info/RECORD'] },
    );
    const text = cycloneDxSbom(analysis, 'app:slim');
    return { text, json: JSON.parse(text) };
  }

  it('validates against the CycloneDX 1.5 JSON schema', async () => {
    const { text, json } = await sbom();
    expect(json.specVersion).toBe('1.5');
    expect(json.bomFormat).toBe('CycloneDX');
    const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5);
    await expect(validator.validate(text)).resolves.toBeNull();
    // The validator does reject: a component type the schema does not know.
    await expect(validator.validate(JSON.stringify({ ...json, components: [{ type: 'gadget', name: 'x' }] }))).resolves.not.toBeNull();
  });

  it('lists the OS, the kept OS packages with purls, versions and licenses, and no dropped package', async () => {
    const { json } = await sbom();
    const components = json.components as Array<Record<string, any>>;
    expect(components.find((c) => c.type === 'operating-system')).toMatchObject({ name: 'debian', version: '12' });
    const hello = components.find((c) => c.name === 'hello');
    expect(hello).toMatchObject({ type: 'library', version: '2.10-3', purl: 'pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12' });
    expect(hello?.licenses).toEqual([{ license: { name: 'GPL-3+' } }]);
    expect(components.map((c) => c.name)).toEqual(expect.arrayContaining(['base-files']));
    expect(components.map((c) => c.name)).not.toContain('unused');
    expect(components.map((c) => c.name)).not.toContain('removed');
  });

  it('lists language packages with purls and unowned kept files as file components', async () => {
    const { json } = await sbom();
    const components = json.components as Array<Record<string, any>>;
    const purls = components.map((c) => c.purl).filter(Boolean);
    expect(purls).toEqual(expect.arrayContaining(['pkg:pypi/requests@2.31.0', 'pkg:npm/%40scope/pkg@1.2.3', 'pkg:generic/guava@32.1.2']));
    const files = components.filter((c) => c.type === 'file').map((c) => c.name);
    expect(files).toContain('/srv/app/main.py');
    expect(files).not.toContain('/usr/bin/hello');
    expect(files).not.toContain('/srv/app/node_modules/@scope/pkg/index.js');
    expect(files.filter((name: string) => name.includes('status.d'))).toEqual([]);
  });
});
