/**
 * Instruction flags as BuildKit's typed layer reads them (instructions/bflag.go, parse.go): which flags each
 * instruction takes, string flags only as `--name=value`, booleans as `--name`/`--name=true|false`, lists
 * repeatable, everything else an error.
 */
import type { Flag } from './ir';

export type FlagKind = 'string' | 'bool' | 'list';

export const FLAG_SPECS: Record<string, Record<string, FlagKind>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'list', network: 'string', security: 'string', device: 'list' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'list' },
  ADD: {
    chown: 'string', chmod: 'string', checksum: 'string', link: 'bool', 'keep-git-dir': 'bool', unpack: 'bool',
    exclude: 'list',
  },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};

export interface ParsedFlags {
  flags: Flag[];
  problems: { message: string; flag?: string }[];
}

/** Reads the raw flag words of one instruction against its spec. */
export function parseFlags(keyword: string, words: string[]): ParsedFlags {
  const spec = FLAG_SPECS[keyword] ?? {};
  const flags: Flag[] = [];
  const problems: ParsedFlags['problems'] = [];
  const seen = new Set<string>();
  for (const word of words) {
    const body = word.replace(/^--/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const value = eq === -1 ? undefined : body.slice(eq + 1);
    flags.push({ name, value, text: word });
    const kind = spec[name];
    if (!word.startsWith('--')) {
      problems.push({ message: `invalid flag ${JSON.stringify(word)}: flags start with --`, flag: name });
    } else if (kind === undefined) {
      problems.push({ message: `unknown flag: ${name}`, flag: name });
    } else if (kind !== 'list' && seen.has(name)) {
      problems.push({ message: `duplicate flag specified: ${name}`, flag: name });
    } else if (kind === 'string' && value === undefined) {
      problems.push({ message: `missing a value on flag: ${name} (flags take --${name}=value)`, flag: name });
    } else if (kind === 'list' && value === undefined) {
      problems.push({ message: `missing a value on flag: ${name}`, flag: name });
    } else if (kind === 'bool' && value !== undefined && !/^(true|false)$/i.test(value)) {
      problems.push({ message: `expecting boolean value for flag ${name}, not: ${value}`, flag: name });
    }
    seen.add(name);
  }
  return { flags, problems };
}

export function stringFlag(flags: Flag[], name: string): string | undefined {
  return flags.find((flag) => flag.name === name)?.value;
}

export function listFlag(flags: Flag[], name: string): string[] {
  return flags.filter((flag) => flag.name === name && flag.value !== undefined).map((flag) => flag.value as string);
}

export function boolFlag(flags: Flag[], name: string): boolean | undefined {
  const flag = flags.find((candidate) => candidate.name === name);
  if (!flag) return undefined;
  return flag.value === undefined || flag.value.toLowerCase() === 'true';
}

/** Go's time.ParseDuration, in milliseconds; undefined when the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const match = /^[+-]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * units[part[2]];
  return text.startsWith('-') ? -total : total;
}
