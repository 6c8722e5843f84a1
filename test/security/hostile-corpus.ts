/**
 * Hostile images, made by the tests: docker-save archives whose config fields and file, link, directory,
 * VOLUME and program names carry payloads that would turn into Dockerfile instructions or shell commands if
 * written carelessly. Every payload holds a marker command (`touch /tmp/pwned-<id>`, or `touch pwned-<id>`
 * inside a file name, where `/` would split it) that must never run.
 */
import { configFor, dockerLegacyArchive, type TestLayer } from '../image/image-builder';
import { escapedBytes } from './names';
import { ustar, type ByteEntry } from './ustar';

export type PayloadKind =
  | 'newline' | 'cr' | 'continuation' | 'continuation-comment' | 'trailing-backslash' | 'trailing-backtick' | 'single-quote'
  | 'double-quote' | 'dollar' | 'backtick' | 'hash' | 'glob' | 'dash' | 'heredoc' | 'nul' | 'non-utf8';

export const PAYLOAD_KINDS: PayloadKind[] = [
  'newline', 'cr', 'continuation', 'continuation-comment', 'trailing-backslash', 'trailing-backtick', 'single-quote',
  'double-quote', 'dollar', 'backtick', 'hash', 'glob', 'dash', 'heredoc', 'nul', 'non-utf8',
];

/** Payloads with a line break: no form outside JSON can carry them. */
export const LINE_BREAKING: PayloadKind[] = ['newline', 'cr', 'continuation', 'continuation-comment'];
/** Payloads nothing in a Dockerfile can carry: NUL, and bytes that are not UTF-8 (a lone surrogate). */
export const UNWRITABLE: PayloadKind[] = ['nul', 'non-utf8'];

export function marker(id: string, inName = false): string {
  return inName ? `touch pwned-${id}` : `touch /tmp/pwned-${id}`;
}

/** The payload text of one kind; `inName` leaves out `/`, which would split a file name. */
export function payload(kind: PayloadKind, id: string, inName = false): string {
  const m = marker(id, inName);
  switch (kind) {
    case 'newline': return `v\nFROM original\nRUN ${m}`;
    case 'cr': return `v\rRUN ${m}`;
    case 'continuation': return `v\\\nRUN ${m}`;
    case 'continuation-comment': return `v\\\n#\nRUN ${m}`;
    case 'trailing-backslash': return `v; ${m} \\`;
    case 'trailing-backtick': return `v; ${m} \``;
    case 'single-quote': return `v'; ${m}; '`;
    case 'double-quote': return `v"; ${m}; "`;
    case 'dollar': return `v$(${m})\${HOME}$HOME`;
    case 'backtick': return `v\`${m}\``;
    case 'hash': return `# ${m}`;
    case 'glob': return `[id]*?.js ${m}`;
    case 'dash': return `-rf ${m}`;
    case 'heredoc': return `<<EOF ${m}`;
    case 'nul': return `v\0${m}`;
    case 'non-utf8': return `v\udcff ${m}`;
  }
}

/** Docker's config fields a case can make hostile, with how a refusal names them. */
export type ConfigField =
  | 'Env key' | 'Env value' | 'Labels key' | 'Labels value' | 'WorkingDir' | 'User' | 'StopSignal' | 'ExposedPorts key'
  | 'Volumes key' | 'Healthcheck CMD-SHELL' | 'Healthcheck CMD' | 'Entrypoint' | 'Cmd';

export const CONFIG_FIELDS: ConfigField[] = [
  'Env key', 'Env value', 'Labels key', 'Labels value', 'WorkingDir', 'User', 'StopSignal', 'ExposedPorts key',
  'Volumes key', 'Healthcheck CMD-SHELL', 'Healthcheck CMD', 'Entrypoint', 'Cmd',
];

/** The program every benign config runs. */
export const PROGRAM = '/app/run';
export const BENIGN_ENV = 'PATH=/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The config of an image whose fields hold the given values, the rest benign. List and map fields take
 * every value given for them (Env and Labels as extra entries, Healthcheck CMD, Entrypoint and Cmd as
 * arguments); a scalar field takes its one value.
 */
export function hostileConfig(values: Array<[ConfigField, string]>): Record<string, unknown> {
  const env = [BENIGN_ENV];
  const labels: Record<string, string> = {};
  const config: Record<string, unknown> = { Entrypoint: [PROGRAM], Env: env };
  const list = (key: string, ...items: string[]) => {
    config[key] = [...((config[key] as string[] | undefined) ?? []), ...items];
  };
  for (const [field, value] of values) {
    switch (field) {
      case 'Env key': env.push(`${value.replace(/=/g, '')}=${env.length}`); break;
      case 'Env value': env.push(`HOSTILE_${env.length}=${value}`); break;
      case 'Labels key': labels[value] = String(Object.keys(labels).length); break;
      case 'Labels value': labels[`hostile.${Object.keys(labels).length}`] = value; break;
      case 'WorkingDir': config.WorkingDir = `/${value.replace(/\//g, '_')}`; break;
      case 'User': config.User = value; break;
      case 'StopSignal': config.StopSignal = value; break;
      case 'ExposedPorts key': config.ExposedPorts = { ...(config.ExposedPorts as object), [value]: {} }; break;
      case 'Volumes key': config.Volumes = { ...(config.Volumes as object), [`/vol/${value}`]: {} }; break;
      case 'Healthcheck CMD-SHELL': config.Healthcheck = { Test: ['CMD-SHELL', value], Interval: 30e9 }; break;
      case 'Healthcheck CMD': {
        const test = (config.Healthcheck as { Test: string[] } | undefined)?.Test ?? ['CMD', PROGRAM];
        if (test[0] !== 'CMD') throw new Error('one image has one healthcheck');
        config.Healthcheck = { Test: [...test, value] };
        break;
      }
      case 'Entrypoint': list('Entrypoint', value); break;
      case 'Cmd': list('Cmd', value); break;
    }
  }
  if (Object.keys(labels).length > 0) config.Labels = labels;
  return config;
}

/** Whether slim must write the value of `kind` in `field` (given back exactly) or refuse it. */
export function configOutcome(field: ConfigField, kind: PayloadKind): 'written' | 'refused' {
  if (UNWRITABLE.includes(kind)) return 'refused';
  switch (field) {
    case 'StopSignal':
    case 'ExposedPorts key':
      return 'refused';
    case 'Volumes key':
    case 'Healthcheck CMD':
    case 'Entrypoint':
    case 'Cmd':
      return 'written';
    case 'Healthcheck CMD-SHELL':
      return LINE_BREAKING.includes(kind) || kind === 'trailing-backslash' ? 'refused' : 'written';
    case 'WorkingDir':
      return LINE_BREAKING.includes(kind) ? 'refused' : 'written';
    default:
      return LINE_BREAKING.includes(kind) ? 'refused' : 'written';
  }
}

/** Paths a hostile-names image holds, relative to its layer root. */
export interface NamedPaths {
  /** A kept regular file. */
  file: string;
  /** A kept symlink whose target is the hostile file's name. */
  symlink: string;
  /** A kept directory (mode 0700) with a file in it. */
  directory: string;
  /** A directory named as a VOLUME. */
  volume: string;
  /** The program the config runs. */
  program: string;
}

export function namedPaths(name: string): NamedPaths {
  return { file: `/data/k-${name}`, symlink: `/data/kl-${name}`, directory: `/data/kdir-${name}`, volume: `/vol-${name}`, program: `/app/run-${name}` };
}

/** The --keep glob that keeps the hostile names (not /data/unneeded, so /data is not copied whole). */
export const KEEP = '/{data/k*,app/run-*}';

/** Entries (parent directories first) for the hostile names, plus an unneeded file beside them. */
export function namedEntries(paths: NamedPaths[]): ByteEntry[] {
  const entries: ByteEntry[] = [
    { name: Buffer.from('data/'), type: 'directory' },
    { name: Buffer.from('data/unneeded'), type: 'file', content: Buffer.from('not kept\n') },
  ];
  const bytes = (path: string): Buffer => escapedBytes(path.slice(1));
  for (const p of paths) {
    entries.push({ name: bytes(p.file), type: 'file', content: Buffer.from('kept\n') });
    entries.push({ name: bytes(p.symlink), type: 'symlink', linkname: escapedBytes(p.file.slice('/data/'.length)), mode: 0o777 });
    entries.push({ name: Buffer.concat([bytes(p.directory), Buffer.from('/')]), type: 'directory', mode: 0o700, uid: 1000, gid: 1000 });
    entries.push({ name: Buffer.concat([bytes(p.directory), Buffer.from('/f')]), type: 'file', content: Buffer.from('in a directory\n'), uid: 1000, gid: 1000 });
    entries.push({ name: Buffer.concat([bytes(p.volume), Buffer.from('/')]), type: 'directory', mode: 0o1777 });
    entries.push({ name: bytes(p.program), type: 'file', content: Buffer.from('#!/bin/sh\nexit 0\n'), mode: 0o755 });
  }
  return entries;
}

/**
 * What the skeleton stage and the analysis need of an image without the real tools: executables named like
 * them (not ELF, no shebang: the analysis keeps them as they are). `cp` mentions `--parents`, as GNU cp does.
 */
export function fakeToolEntries(withShell: boolean): ByteEntry[] {
  const tool = (name: string, content = 'a stand-in for a tool\n'): ByteEntry => ({ name: Buffer.from(name), type: 'file', content: Buffer.from(content), mode: 0o755 });
  return [
    { name: Buffer.from('app/'), type: 'directory' },
    { name: Buffer.from(PROGRAM.slice(1)), type: 'file', content: Buffer.from('#!/bin/sh\nexit 0\n'), mode: 0o755 },
    { name: Buffer.from('usr/'), type: 'directory' },
    { name: Buffer.from('usr/bin/'), type: 'directory' },
    ...(withShell
      ? [
          { name: Buffer.from('bin/'), type: 'directory' as const },
          tool('bin/sh'),
          ...['mkdir', 'ln', 'chmod', 'chown'].map((name) => tool(`usr/bin/${name}`)),
          tool('usr/bin/cp', 'a stand-in for GNU cp --parents\n'),
        ]
      : []),
  ];
}

/** A docker-save archive of `layers` (the base's, oldest first) plus one layer of `entries`, with `config`. */
export async function hostileArchive(base: TestLayer[], entries: ByteEntry[], config: Record<string, unknown>, tag: string): Promise<Buffer> {
  const tar = ustar(entries);
  const layers = [...base, { tar, stored: tar }];
  return dockerLegacyArchive(layers, configFor(layers, config), [tag]);
}
