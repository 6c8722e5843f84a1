/**
 * The exact-form emitter on random plans: names, link targets, notes and every config field are random text
 * (line breaks, both escape characters, quotes, `$`, `#`, glob characters, NUL, non-UTF-8 bytes as lone
 * surrogates). The emitted Dockerfile, parsed back with the project's BuildKit-exact parser, has exactly the
 * instructions and values of the plan, or the emitter refused with an UnwritableValueError.
 */
import fc from 'fast-check';
import { parseDockerfile, type CopyInstruction, type Dockerfile, type EscapeChar, type RunInstruction } from '../../src/dockerfile';
import { emitDockerfile, SKELETON_STAGE, UnwritableValueError } from '../../src/emit/dockerfile';
import type { CopyGroup, RuntimeConfig, SlimPlan } from '../../src/plan';
import { resolveStages } from '../../src/stages';
import { surrogateEscape } from '../security/names';

const SPECIAL = ['\n', '\r', '\\', '`', "'", '"', '$', '#', '[', ']', '*', '?', '\0', ' ', '\t', '=', '{', '}', '<<', '-', '--', '\u2028', '\u0085', '\u00a0', '\ufeff', 'é', '😀', 'RUN ', 'FROM '];
const hostile = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...SPECIAL) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 3 }).map(surrogateEscape) },
      { weight: 3, arbitrary: fc.string({ maxLength: 4 }) },
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
/**
 * Text every rule writes: no NUL, line break or lone surrogate, no space or escape character at the ends, no
 * glob character (a COPY source), not starting like JSON (a HEALTHCHECK script).
 */
const clean = fc.stringMatching(/^(--|[A-Za-z0-9-])?[A-Za-z0-9]([A-Za-z0-9 '"$#\]{}=<>é☃-]{0,10}[A-Za-z0-9])?$/);
/** Hostile now and then, so that whole plans are written often enough to be checked. */
const mixed = fc.oneof({ weight: 8, arbitrary: clean }, { weight: 1, arbitrary: hostile });
const component = (text: fc.Arbitrary<string>) => text.map((t) => t.replace(/\//g, '_')).filter((t) => t !== '' && t !== '.' && t !== '..');
const pathOf = (text: fc.Arbitrary<string>) => fc.array(component(text), { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`);

function planArbitrary(text: fc.Arbitrary<string>, formats: 'valid' | 'hostile'): fc.Arbitrary<SlimPlan> {
  const path = pathOf(text);
  const pick = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<T>) => (formats === 'valid' ? valid : fc.oneof(valid, other));
  const group: fc.Arbitrary<CopyGroup> = fc.record({
    comment: text,
    sources: fc.array(path, { minLength: 1, maxLength: 3 }),
    destination: path.map((p) => `${p}/`),
    chown: fc.option(fc.constant('1000:1000'), { nil: undefined }),
    wholeDirectory: fc.boolean(),
    bytes: fc.nat(),
  });
  const uniqueKeys = (key: fc.Arbitrary<string>) => fc.uniqueArray(fc.tuple(key, text), { maxLength: 3, selector: ([k]) => k });
  const config: fc.Arbitrary<RuntimeConfig> = fc.record({
    env: uniqueKeys(text.map((k) => k.replace(/=/g, '') || 'K')),
    labels: uniqueKeys(text.map((k) => k.replace(/=/g, '') || 'k')),
    exposedPorts: fc.uniqueArray(pick(fc.constantFrom('80/tcp', '53/udp', '9/sctp'), text), { maxLength: 2 }),
    volumes: fc.uniqueArray(path, { maxLength: 2 }),
    workdir: fc.option(path, { nil: undefined }),
    user: fc.option(text.filter((t) => t !== ''), { nil: undefined }),
    stopSignal: fc.option(pick(fc.constantFrom('SIGTERM', '9', 'quit'), text), { nil: undefined }),
    healthcheck: fc.option(
      fc.record({
        test: fc.oneof(
          fc.constant(['NONE']).map((test) => [...test]),
          fc.array(text, { minLength: 1, maxLength: 3 }).map((argv) => ['CMD', ...argv]),
          text.map((script) => ['CMD-SHELL', script]),
        ),
        interval: fc.option(pick(fc.constantFrom('30s', '1m30s', '500ms'), text), { nil: undefined }),
        retries: fc.option(pick(fc.nat(10), fc.integer({ min: -3, max: 3 })), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    entrypoint: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    cmd: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    rewrites: fc.array(text, { maxLength: 1 }),
  });
  return fc.record({
    skeleton: fc.record({
      directories: fc.array(fc.record({ path, mode: fc.constantFrom(0o755, 0o700, 0o1777), uid: fc.constantFrom(0, 1000), gid: fc.constantFrom(0, 1000) }), { maxLength: 3 }),
      symlinks: fc.array(fc.record({ path, target: text.filter((t) => t !== '') }), { maxLength: 3 }),
      assembled: fc.array(path, { maxLength: 2 }),
    }),
    skeletonMode: fc.constant('shell' as const),
    copies: fc.array(group, { maxLength: 3 }),
    config,
    notes: fc.array(text, { maxLength: 2 }),
  });
}

const ORIGINAL = (escape: EscapeChar) => `${escape === '`' ? '# escape=`\n' : ''}FROM debian:bookworm-slim AS build\nRUN make ${escape}\n  all\nFROM build\nCMD ["app"]\n`;

/** The skeleton steps the plan asks for, as (op, operand…) lists: what the skeleton RUNs must carry. */
function expectedSteps(plan: SlimPlan): string[][] {
  const rel = (path: string) => path.replace(/^\/+/, '');
  const parents = new Set([...plan.skeleton.directories.map((d) => rel(d.path)), ...plan.skeleton.symlinks.map((l) => rel(l.path.slice(0, l.path.lastIndexOf('/')))).filter(Boolean)]);
  return [
    ...plan.skeleton.assembled.map((path) => ['copy', rel(path)]),
    ...[...parents].sort().map((path) => ['mkdir', path]),
    ...plan.skeleton.symlinks.map((link) => ['symlink', link.target, rel(link.path)]),
    ...plan.skeleton.directories.filter((d) => d.uid !== 0 || d.gid !== 0).map((d) => ['chown', `${d.uid}:${d.gid}`, rel(d.path)]),
    ...plan.skeleton.directories.map((d) => ['chmod', d.mode.toString(8).padStart(4, '0'), rel(d.path)]),
  ];
}

/** The steps the emitted skeleton RUNs carry, from their exec-form argv. */
function emittedSteps(runs: RunInstruction[]): string[][] {
  const steps: string[][] = [];
  for (const run of runs) {
    if (run.command.form !== 'exec') throw new Error('a skeleton RUN in shell form');
    const [sh, dashC, , argv0, ...args] = run.command.argv;
    expect([sh, dashC, argv0]).toEqual(['/bin/sh', '-c', SKELETON_STAGE]);
    for (let i = 0; i < args.length; ) {
      const width = args[i] === 'copy' || args[i] === 'mkdir' ? 2 : 3;
      steps.push(args.slice(i, i + width));
      i += width;
    }
  }
  return steps;
}

function sortSteps(steps: string[][]): string[][] {
  return [...steps].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Emits, parses back and compares; returns false when the emitter refused. */
function roundTrip(plan: SlimPlan, escape: EscapeChar): boolean {
  const original = ORIGINAL(escape);
  const dockerfile: Dockerfile = parseDockerfile(original).dockerfile;
  let text: string;
  try {
    text = emitDockerfile({ text: original, dockerfile, target: 1, plan, imageArgument: '--image-archive x\n.tar' });
  } catch (error) {
    if (error instanceof UnwritableValueError) return false;
    throw error;
  }
  const parsed = parseDockerfile(text).dockerfile;
  const hasSkeleton = expectedSteps(plan).length > 0;
  expect(parsed.stages.map((stage) => stage.from.image)).toEqual(['debian:bookworm-slim', 'build', ...(hasSkeleton ? ['original'] : []), 'scratch']);
  // Every generated RUN is the skeleton's fixed script, carrying exactly the plan's steps.
  const generated = parsed.stages.slice(2).flatMap((stage) => stage.instructions);
  const runs = generated.filter((i): i is RunInstruction => i.keyword === 'RUN');
  if (hasSkeleton) {
    expect(parsed.stages[2].instructions.map((i) => i.keyword)).toEqual(['USER', ...runs.map(() => 'RUN')]);
    expect(sortSteps(emittedSteps(runs))).toEqual(sortSteps(expectedSteps(plan)));
  } else expect(runs).toEqual([]);

  const final = parsed.stages[parsed.stages.length - 1];
  const { config } = plan;
  const health = config.healthcheck;
  expect(final.instructions.map((i) => i.keyword)).toEqual([
    ...(hasSkeleton ? ['COPY'] : []),
    ...plan.copies.map(() => 'COPY'),
    ...(config.env.length > 0 ? ['ENV'] : []),
    ...config.labels.map(() => 'LABEL'),
    ...(config.exposedPorts.length > 0 ? ['EXPOSE'] : []),
    ...(config.volumes.length > 0 ? ['VOLUME'] : []),
    ...(config.workdir ? ['WORKDIR'] : []),
    ...(config.user ? ['USER'] : []),
    ...(config.stopSignal ? ['STOPSIGNAL'] : []),
    ...(health ? ['HEALTHCHECK'] : []),
    ...(config.entrypoint ? ['ENTRYPOINT'] : []),
    ...(config.cmd ? ['CMD'] : []),
  ]);
  const copies = final.instructions.filter((i): i is CopyInstruction => i.keyword === 'COPY').slice(hasSkeleton ? 1 : 0);
  expect(copies.map((copy) => [copy.from, copy.chown])).toEqual(plan.copies.map((group) => ['original', group.chown]));

  const graph = resolveStages(parsed);
  const stage = graph.stages[graph.target];
  expect(stage.copies.slice(hasSkeleton ? 1 : 0).map((copy) => [copy.sources, copy.destination])).toEqual(plan.copies.map((group) => [group.sources, group.destination]));
  const contract = stage.contract;
  expect(contract.env).toEqual(Object.fromEntries(config.env));
  expect(contract.labels).toEqual(Object.fromEntries(config.labels));
  expect(contract.exposedPorts).toEqual([...config.exposedPorts].sort());
  expect(contract.volumes).toEqual(config.volumes);
  expect(contract.workdir).toBe(config.workdir);
  expect(contract.user).toBe(config.user);
  // An empty StopSignal in an image config is no stop signal; nothing is written for it.
  expect(contract.stopSignal).toBe(config.stopSignal || undefined);
  // toEqual ignores properties that are undefined, as the plan's unset flags are.
  expect(contract.healthcheck).toEqual(health && health.test[0] === 'NONE' ? { test: ['NONE'] } : health);
  expect(contract.entrypoint).toEqual(config.entrypoint);
  // ENTRYPOINT resets CMD only when CMD comes first; the emitter writes CMD last.
  expect(contract.cmd).toEqual(config.cmd);
  return true;
}

describe('the emitted Dockerfile parsed back', () => {
  it('has the plan’s instructions and values, or the emitter refused (random hostile text)', () => {
    let written = 0;
    fc.assert(
      fc.property(planArbitrary(mixed, 'hostile'), fc.constantFrom<EscapeChar>('\\', '`'), (plan, escape) => {
        if (roundTrip(plan, escape)) written++;
      }),
      { numRuns: 120 },
    );
    // Not every plan is refused: a fraction of random text is writable, and each of those round-tripped.
    expect(written).toBeGreaterThan(0);
  });

  it('always writes plans whose text every rule accepts, and they round-trip', () => {
    fc.assert(
      fc.property(planArbitrary(clean, 'valid'), fc.constantFrom<EscapeChar>('\\', '`'), (plan, escape) => {
        expect(roundTrip(plan, escape)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps names with line breaks, quotes and glob characters exactly (JSON contexts never refuse them)', () => {
    const name = hostile.filter((t) => !t.includes('\0') && !/\p{Cs}/u.test(t));
    const plan = fc.record({
      symlinks: fc.array(fc.record({ path: pathOf(name), target: name.filter((t) => t !== '') }), { minLength: 1, maxLength: 3 }),
      assembled: fc.array(pathOf(name), { maxLength: 3 }),
      volumes: fc.uniqueArray(pathOf(name), { maxLength: 2 }),
      entrypoint: fc.array(name, { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(plan, fc.constantFrom<EscapeChar>('\\', '`'), (p, escape) => {
        const slim: SlimPlan = {
          skeleton: { directories: [], symlinks: p.symlinks, assembled: p.assembled },
          skeletonMode: 'shell',
          copies: [],
          config: { env: [], labels: [], exposedPorts: [], volumes: p.volumes, entrypoint: p.entrypoint, rewrites: [] },
          notes: [],
        };
        expect(roundTrip(slim, escape)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
