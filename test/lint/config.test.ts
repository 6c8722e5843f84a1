import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PRESETS } from '../../src/lint/config';
import { ALL_RULES } from '../../src/lint/rules';

const KNOWN = new Set(ALL_RULES.map((rule) => rule.meta.id));

function configFrom(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'scratchify-config-'));
  try {
    writeFileSync(join(dir, '.scratchify.yaml'), text);
    return loadConfig(join(dir, '.scratchify.yaml'), KNOWN);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('config presets', () => {
  it('names only existing rules', () => {
    for (const preset of Object.values(PRESETS)) expect(Object.keys(preset).filter((id) => !KNOWN.has(id))).toEqual([]);
  });

  it('base-image turns the final-image rules off, beneath the config’s own rules', () => {
    const config = configFrom('preset: base-image\nrules:\n  final-stage-root: info\n');
    expect(config.rules).toMatchObject({ 'final-stage-root': 'info', 'final-stage-distribution': 'off', 'build-tools-in-final-stage': 'off' });
  });

  it('refuses an unknown preset with its position', () => {
    expect(() => configFrom('failOn: error\npreset: app\n')).toThrow(expect.objectContaining({ message: 'preset must be one of base-image', location: expect.objectContaining({ line: 2 }) }));
  });
});
