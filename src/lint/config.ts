/**
 * The lint configuration file, `.scratchify.json` or `.scratchify.yaml` (`.yml`): rule severities and the
 * thresholds of the gate. Found next to the Dockerfile or in a parent directory up to the repository root,
 * or named with `--config`. Command-line flags override it.
 *
 *     failOn: warning            # error | warning | info
 *     maxWastePercent: 60        # unneeded-bytes becomes an error above this share of the image
 *     maxWasteBytes: 200MB       # … or above this many bytes (plain number, or kB/MB/GB/KiB/MiB/GiB)
 *     preset: base-image         # for a base image's own Dockerfile (see PRESETS)
 *     rules:
 *       apt-no-install-recommends: off
 *       final-stage-root: error
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Node } from 'yaml';
import { ScratchifyError } from '../errors';
import { SEVERITIES, type Severity } from './types';

export type RuleSetting = Severity | 'off';

export interface LintConfig {
  /** Severity per rule id, or `off`. */
  rules: Record<string, RuleSetting>;
  failOn?: Severity;
  maxWastePercent?: number;
  maxWasteBytes?: number;
}

export const CONFIG_FILE_NAMES = ['.scratchify.json', '.scratchify.yaml', '.scratchify.yml'];

/**
 * Rule settings for a kind of Dockerfile, applied beneath the config's own `rules`. `base-image`: the Dockerfile
 * of an image other Dockerfiles build on (an official language image, a company base): which distribution it
 * ships, that it leaves the user as root and which tools it carries are its purpose, so the final-image rules
 * about them are off; hygiene rules (caches, pinning, pipefail…) still apply.
 */
export const PRESETS: Readonly<Record<string, Readonly<Record<string, RuleSetting>>>> = {
  'base-image': {
    'final-stage-root': 'off',
    'final-stage-distribution': 'off',
    'build-tools-in-final-stage': 'off',
    'download-tools-in-final-stage': 'off',
  },
};

/** A configuration file that cannot be used. */
export class ConfigError extends ScratchifyError {
  constructor(message: string, location: { file: string; line?: number; column?: number }) {
    super('usage', message, location);
    this.name = 'ConfigError';
  }
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `123`, `200MB`, `1.5 GiB` → bytes; undefined when the text is not a size. */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = UNITS[match[2].toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
}

export function parsePercent(value: string | number): number | undefined {
  const number = typeof value === 'number' ? value : /^\s*\d+(?:\.\d+)?\s*%?\s*$/.test(value) ? parseFloat(value) : NaN;
  return Number.isFinite(number) && number >= 0 && number <= 100 ? number : undefined;
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** The config file that applies to a Dockerfile in `startDir`: the nearest one up to the repository root. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    // A repository's root ends the search: a config above it belongs to something else.
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and checks a config file. `knownRules` are the ids a `rules` entry may name. */
export function loadConfig(file: string, knownRules: ReadonlySet<string>): LintConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file });
  }
  const lineCounter = new LineCounter();
  // JSON is YAML, so one parser gives both formats positions for their errors.
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (node: Node | null | undefined): { file: string; line?: number; column?: number } => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file };
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new ConfigError(`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${error.message.split('\n')[0]}`, { file, line, column: col });
  }
  const config: LintConfig = { rules: {} };
  if (document.contents === null) return config;
  if (!isMap(document.contents)) throw new ConfigError('the config must be a mapping (keys preset, rules, failOn, maxWastePercent, maxWasteBytes)', where(document.contents));
  let preset: Readonly<Record<string, RuleSetting>> = {};
  for (const pair of document.contents.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const valueNode = pair.value as Node | null;
    const value: unknown = isScalar(valueNode) ? valueNode.value : undefined;
    switch (key) {
      case 'preset':
        if (typeof value !== 'string' || !(value in PRESETS)) throw new ConfigError(`preset must be one of ${Object.keys(PRESETS).join(', ')}`, where(valueNode ?? keyNode));
        preset = PRESETS[value];
        break;
      case 'failOn':
        if (!isSeverity(value)) throw new ConfigError(`failOn must be one of ${SEVERITIES.join(', ')}`, where(valueNode ?? keyNode));
        config.failOn = value;
        break;
      case 'maxWastePercent': {
        const percent = typeof value === 'string' || typeof value === 'number' ? parsePercent(value) : undefined;
        if (percent === undefined) throw new ConfigError('maxWastePercent must be a number from 0 to 100', where(valueNode ?? keyNode));
        config.maxWastePercent = percent;
        break;
      }
      case 'maxWasteBytes': {
        const bytes = typeof value === 'string' || typeof value === 'number' ? parseByteSize(value) : undefined;
        if (bytes === undefined) throw new ConfigError('maxWasteBytes must be a byte count such as 50000000 or 50MB', where(valueNode ?? keyNode));
        config.maxWasteBytes = bytes;
        break;
      }
      case 'rules': {
        if (!isMap(valueNode)) throw new ConfigError('rules must map rule ids to off, info, warning or error', where(valueNode ?? keyNode));
        for (const rule of valueNode.items) {
          const idNode = rule.key as Node;
          const id = isScalar(idNode) ? String(idNode.value) : '';
          if (!knownRules.has(id)) throw new ConfigError(`unknown rule ${JSON.stringify(id)} (scratchify lint --list-rules shows them)`, where(idNode));
          const settingNode = rule.value as Node | null;
          const setting = isScalar(settingNode) ? settingNode.value : undefined;
          if (setting !== 'off' && !isSeverity(setting)) throw new ConfigError(`rule ${id}: expected off, info, warning or error`, where(settingNode ?? idNode));
          config.rules[id] = setting;
        }
        break;
      }
      default:
        throw new ConfigError(`unknown key ${JSON.stringify(key)} (expected preset, rules, failOn, maxWastePercent, maxWasteBytes)`, where(keyNode));
    }
  }
  config.rules = { ...preset, ...config.rules };
  return config;
}
