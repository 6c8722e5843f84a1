/**
 * `scratchify slim --image-archive` on hostile images (hostile-corpus.ts): every config field and every kind
 * of kept name carrying each payload. Each run either writes a Dockerfile that parses back (the project's
 * BuildKit-exact parser) to exactly the image's values and names, with no instruction of the payload's, or
 * exits 2 with one line naming the field or path, and writes no file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile, type Instruction, type RunInstruction } from '../../src/dockerfile';
import { goDuration } from '../../src/plan';
import { resolveStages, type CopyRecord, type RuntimeContract } from '../../src/stages';
import { runCli } from '../support/cli';
import {
  CONFIG_FIELDS, configOutcome, fakeToolEntries, hostileArchive, hostileConfig, KEEP, namedEntries, namedPaths, PAYLOAD_KINDS,
  payload, UNWRITABLE, type ConfigField, type PayloadKind,
} from './hostile-corpus';

const work = mkdtempSync(join(tmpdir(), 'scratchify-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let serial = 0;

interface Run {
  code: number;
  stderr: string;
  /** The emitted Dockerfile, when one was written. */
  text?: string;
}

async function slim(archive: Buffer, options: { escape?: '\\' | '`'; keep?: boolean } = {}): Promise<Run> {
  const dir = join(work, String(serial++));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const archivePath = join(dir, 'image.tar');
  writeFileSync(archivePath, archive);
  const dockerfile = join(dir, 'Dockerfile');
  writeFileSync(dockerfile, `${options.escape === '`' ? '# escape=`\n' : ''}FROM hostile\n`);
  const output = join(dir, 'Dockerfile.slim');
  const result = await runCli(['slim', dockerfile, '--image-archive', archivePath, ...(options.keep === false ? [] : ['--keep', KEEP]), '-o', output]);
  return { code: result.code, stderr: result.stderr, text: existsSync(output) ? readFileSync(output, 'utf8') : undefined };
}

function expectRefused(run: Run, names: string): void {
  expect(run.code).toBe(2);
  expect(run.text).toBeUndefined();
  expect(run.stderr.split('\n')).toEqual([expect.stringMatching(/^scratchify: /), '']);
  expect(run.stderr).toContain(names);
}

/** What the emitted Dockerfile says, read back: generated stages, skeleton steps, COPY records, contract. */
interface Facts {
  bases: string[];
  skeletonSteps: string[][];
  copies: CopyRecord[];
  contract: RuntimeContract;
  finalKeywords: Instruction['keyword'][];
}

function facts(text: string): Facts {
  const { dockerfile } = parseDockerfile(text);
  const generated = dockerfile.stages.slice(1);
  const runs = generated.flatMap((stage) => stage.instructions).filter((i): i is RunInstruction => i.keyword === 'RUN');
  const skeletonSteps: string[][] = [];
  for (const run of runs) {
    // Every RUN written is the skeleton's: exec form, our script, then the steps as arguments.
    expect(run.command.form).toBe('exec');
    if (run.command.form !== 'exec') continue;
    const [sh, c, script, argv0, ...args] = run.command.argv;
    expect([sh, c, argv0]).toEqual(['/bin/sh', '-c', 'scratchify-skeleton']);
    expect(script).toMatch(/^set -eu; PATH=\/usr\/sbin:\/usr\/bin:\/sbin:\/bin; s=\/\.scratchify-skeleton; /);
    for (let i = 0; i < args.length; ) {
      const width = args[i] === 'copy' || args[i] === 'mkdir' ? 2 : 3;
      skeletonSteps.push(args.slice(i, i + width));
      i += width;
    }
  }
  const graph = resolveStages(dockerfile);
  const final = dockerfile.stages[dockerfile.stages.length - 1];
  return {
    bases: generated.map((stage) => stage.from.image),
    skeletonSteps,
    copies: graph.stages[graph.target].copies,
    contract: graph.stages[graph.target].contract,
    finalKeywords: final.instructions.map((i) => i.keyword),
  };
}

/** The generated part has only the stages and instructions the emitter writes, and nothing of a payload's. */
function expectOnlyOurInstructions(f: Facts): void {
  expect(f.bases).toEqual(f.skeletonSteps.length > 0 ? ['original', 'scratch'] : ['scratch']);
  const allowed = new Set(['COPY', 'ENV', 'LABEL', 'EXPOSE', 'VOLUME', 'WORKDIR', 'USER', 'STOPSIGNAL', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD']);
  expect(f.finalKeywords.filter((keyword) => !allowed.has(keyword))).toEqual([]);
  for (const once of ['ENV', 'EXPOSE', 'VOLUME', 'WORKDIR', 'USER', 'STOPSIGNAL', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD']) {
    expect(f.finalKeywords.filter((keyword) => keyword === once).length).toBeLessThanOrEqual(1);
  }
}

/** The runtime contract BuildKit would build from the emitted Dockerfile, predicted from the config alone. */
function expectedContract(config: Record<string, unknown>): Partial<RuntimeContract> {
  const env = Object.fromEntries((config.Env as string[]).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  const health = config.Healthcheck as { Test: string[]; Interval?: number } | undefined;
  return {
    env,
    labels: (config.Labels as Record<string, string>) ?? {},
    exposedPorts: Object.keys((config.ExposedPorts as object) ?? {}).sort(),
    volumes: Object.keys((config.Volumes as object) ?? {}).sort(),
    workdir: config.WorkingDir as string | undefined,
    user: config.User as string | undefined,
    stopSignal: config.StopSignal as string | undefined,
    healthcheck: health && { test: health.Test, ...(health.Interval ? { interval: goDuration(health.Interval) } : {}) },
    entrypoint: config.Entrypoint as string[],
    cmd: config.Cmd as string[] | undefined,
  };
}

describe('hostile config values', () => {
  // One image per payload kind holds it in every field that must write it (CMD-SHELL or, where that refuses
  // the kind, Healthcheck CMD): each must come back exactly.
  const written = PAYLOAD_KINDS.filter((kind) => !UNWRITABLE.includes(kind));
  it.each(written)('a %s payload, in every field that can carry it, comes back exactly', async (kind) => {
    const fields = CONFIG_FIELDS.filter((field) => configOutcome(field, kind) === 'written');
    const shellForm = fields.includes('Healthcheck CMD-SHELL');
    const values = fields
      .filter((field) => field !== (shellForm ? 'Healthcheck CMD' : 'Healthcheck CMD-SHELL'))
      .map((field) => [field, payload(kind, `${field}-${kind}`.replace(/\W+/g, '-'))] as [ConfigField, string]);
    const config = hostileConfig(values);
    const run = await slim(await hostileArchive([], fakeToolEntries(true), config, 'hostile:1'), { keep: false });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const f = facts(run.text as string);
    expectOnlyOurInstructions(f);
    const { onBuild, shell, inheritsFrom, entrypointForm, cmdForm, ...contract } = f.contract;
    expect([onBuild, shell, inheritsFrom, entrypointForm]).toEqual([[], undefined, undefined, 'exec']);
    expect(contract).toEqual(JSON.parse(JSON.stringify(expectedContract(config))));
  });

  // Each refusal on its own image, so that it is this field's: newline, CR, NUL and non-UTF-8 wherever they
  // are refused, and a few more (the other line-breaking payloads hit the same rule; quoting.test pins them).
  const extra: Partial<Record<ConfigField, PayloadKind[]>> = {
    'Env value': ['continuation-comment'],
    'Healthcheck CMD-SHELL': ['trailing-backslash'],
    StopSignal: ['single-quote', 'dollar'],
    'ExposedPorts key': ['single-quote', 'dollar'],
  };
  const refusals = CONFIG_FIELDS.flatMap((field) =>
    (['newline', 'cr', 'nul', 'non-utf8', ...(extra[field] ?? [])] as PayloadKind[])
      .filter((kind) => configOutcome(field, kind) === 'refused')
      .map((kind) => [field, kind] as const),
  );
  it.each(refusals)('%s with a %s payload is refused', async (field, kind) => {
    const config = hostileConfig([[field, payload(kind, `${field}-${kind}`.replace(/\W+/g, '-'))]]);
    const run = await slim(await hostileArchive([], fakeToolEntries(true), config, 'hostile:1'), { keep: false });
    expectRefused(run, `image config ${field.split(' ')[0]}`);
  });

  it('refuses an Env entry without =, which ENV would give an empty value', async () => {
    const config = { Entrypoint: ['/app/run'], Env: ['PATH=/bin', 'NOVALUE'] };
    const run = await slim(await hostileArchive([], fakeToolEntries(true), config, 'hostile:1'), { keep: false });
    expectRefused(run, "image config Env[1] (NOVALUE): has no '='");
  });

  it('refuses a WorkingDir WORKDIR would change, and a Labels key with =', async () => {
    for (const [config, names] of [
      [{ WorkingDir: 'relative' }, 'image config WorkingDir'],
      [{ WorkingDir: '/srv//app/' }, 'image config WorkingDir'],
      [{ Labels: { 'a=b': 'c' } }, 'image config Labels["a=b"]'],
    ] as const) {
      const run = await slim(await hostileArchive([], fakeToolEntries(true), { Entrypoint: ['/app/run'], ...config }, 'hostile:1'), { keep: false });
      expectRefused(run, names);
    }
  });

  it('writes a shell-form command rewritten to exec form as JSON, its comment on one line', async () => {
    const script = `exec /app/run 'a\nRUN touch /tmp/pwned-rewrite' "b c"`;
    const run = await slim(await hostileArchive([], fakeToolEntries(true), { Cmd: ['/bin/sh', '-c', script] }, 'hostile:1'), { keep: false });
    expect(run.code).toBe(0);
    const f = facts(run.text as string);
    expectOnlyOurInstructions(f);
    expect(f.contract.cmd).toEqual(['/app/run', 'a\nRUN touch /tmp/pwned-rewrite', 'b c']);
    expect(run.text).toMatch(/\n# Exec form, proven equivalent: .*\\n.*\n/);
  });
});

/** The kept names of `paths`, as the emitted Dockerfile must carry them. */
function expectNamesCarried(f: Facts, name: string): void {
  const p = namedPaths(name);
  const sources = f.copies.flatMap((copy) => copy.sources);
  const copied = f.skeletonSteps.filter(([op]) => op === 'copy').map(([, path]) => `/${path}`);
  const made = f.skeletonSteps.filter(([op]) => op === 'mkdir').map(([, path]) => `/${path}`);
  // The file and the directory: a COPY source, or carried by the skeleton when COPY would read a pattern.
  for (const path of [p.file, p.directory]) expect([...sources, ...copied]).toContain(path);
  expect(f.skeletonSteps).toContainEqual(['symlink', p.file.slice('/data/'.length), p.symlink.slice(1)]);
  expect(made).toContain(p.directory);
  expect(f.skeletonSteps).toContainEqual(['chown', '1000:1000', p.directory.slice(1)]);
  expect(f.skeletonSteps).toContainEqual(['chmod', '0700', p.directory.slice(1)]);
  expect([...sources, ...copied]).toContain(p.program);
  expect(made).toContain(p.volume);
  // A name COPY would read as a pattern is never a COPY source.
  expect(sources.filter((source) => /[[*?\\]/.test(source))).toEqual([]);
}

describe('hostile names: a kept file, symlink (and its target), directory, VOLUME and program', () => {
  const kinds = PAYLOAD_KINDS.filter((kind) => !UNWRITABLE.includes(kind));
  it.each(['\\', '`'] as const)('come back exactly, with every payload (escape %s)', async (escape) => {
    const names = kinds.map((kind) => payload(kind, kind, true));
    const paths = names.map(namedPaths);
    const config = { Entrypoint: [paths[0].program], Env: ['PATH=/usr/bin:/bin'], Volumes: Object.fromEntries(paths.map((p) => [p.volume, {}])) };
    const run = await slim(await hostileArchive([], [...fakeToolEntries(true), ...namedEntries(paths)], config, 'hostile:1'), { escape });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const f = facts(run.text as string);
    expectOnlyOurInstructions(f);
    expect(f.contract.entrypoint).toEqual([paths[0].program]);
    expect(f.contract.volumes).toEqual(paths.map((p) => p.volume).sort());
    for (const name of names) expectNamesCarried(f, name);
  });

  it('are refused when they are not UTF-8, or else come back as the image reader gives them', async () => {
    const name = payload('non-utf8', 'non-utf8', true);
    const p = namedPaths(name);
    const config = { Entrypoint: ['/app/run'], Env: ['PATH=/usr/bin:/bin'] };
    const run = await slim(await hostileArchive([], [...fakeToolEntries(true), ...namedEntries([p])], config, 'hostile:1'));
    // A reader that keeps names as bytes gives lone surrogates, refused; one that decodes lossily gives
    // other, writable names, which must then round-trip like any other.
    if (run.code === 2) expectRefused(run, 'is not valid UTF-8 (\\xff)');
    else expectOnlyOurInstructions(facts(run.text as string));
  });

  it('refuses a name COPY would read as a pattern when the image has no shell to carry it', async () => {
    const p = namedPaths(payload('glob', 'noshell', true));
    const entries = [...fakeToolEntries(false), { name: Buffer.from('data/'), type: 'directory' as const }, { name: Buffer.from('data/unneeded'), type: 'file' as const }, { name: Buffer.from(p.file.slice(1)), type: 'file' as const, content: Buffer.from('x') }];
    const run = await slim(await hostileArchive([], entries, { Entrypoint: ['/app/run'] }, 'hostile:1'));
    expectRefused(run, `image path ${p.file}: holds [ * ? or \\, which COPY reads as a pattern`);
  });
});

describe('a hostile --image-archive path', () => {
  it('stays on its comment line', async () => {
    const dir = mkdtempSync(join(work, 'path-'));
    const archive = join(dir, 'a\nRUN touch pwned-archive\n#.tar');
    writeFileSync(archive, await hostileArchive([], fakeToolEntries(true), { Entrypoint: ['/app/run'] }, 'hostile:1'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM hostile\n');
    const result = await runCli(['slim', join(dir, 'Dockerfile'), '--image-archive', archive]);
    expect(result.code).toBe(0);
    const f = facts(result.stdout);
    expectOnlyOurInstructions(f);
    expect(result.stdout).toContain('# Ask about any path: scratchify why --image-archive ');
    expect(result.stdout).toContain('a\\nRUN touch pwned-archive\\n#.tar PATH\n');
  });
});

describe('an image that is not what the Dockerfile builds', () => {
  it('is refused on one line, its values shown escaped', async () => {
    const dir = mkdtempSync(join(work, 'mismatch-'));
    const config = { Entrypoint: ['/app/run'], WorkingDir: '/a\nRUN touch /tmp/pwned-mismatch' };
    writeFileSync(join(dir, 'image.tar'), await hostileArchive([], fakeToolEntries(true), config, 'hostile:1'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM hostile\nWORKDIR /b\n');
    const result = await runCli(['slim', join(dir, 'Dockerfile'), '--image-archive', join(dir, 'image.tar'), '-o', join(dir, 'out')]);
    expectRefused({ code: result.code, stderr: result.stderr, text: existsSync(join(dir, 'out')) ? 'written' : undefined }, 'WORKDIR /b vs /a\\nRUN touch /tmp/pwned-mismatch');
  });
});

describe('a Dockerfile that ends in a continuation', () => {
  it('is refused: the appended stages would join its last instruction', async () => {
    const dir = mkdtempSync(join(work, 'continued-'));
    writeFileSync(join(dir, 'image.tar'), await hostileArchive([], fakeToolEntries(true), { Entrypoint: ['/app/run'] }, 'hostile:1'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM hostile\nENV A=b \\\n');
    const result = await runCli(['slim', join(dir, 'Dockerfile'), '--image-archive', join(dir, 'image.tar'), '-o', join(dir, 'out')]);
    expectRefused({ code: result.code, stderr: result.stderr, text: existsSync(join(dir, 'out')) ? 'written' : undefined }, 'ends with a line continuation');
  });
});

