/**
 * The self-contained form (no engine) on a hostile Dockerfile, as CI meets one in a pull request: what the
 * Dockerfile states — programs, COPY destinations, WORKDIR, VOLUME, ENV and LABEL values, `--keep` globs —
 * reaches the emitted Dockerfile only as arguments of the collector's fixed script and as quoted runtime
 * lines, or is refused with one line naming the Dockerfile.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile, type RunInstruction } from '../../src/dockerfile';
import { COLLECT_STAGE, UnwritableValueError } from '../../src/emit/dockerfile';
import { slim } from '../../src/slim';
import { resolveStages } from '../../src/stages';

const work = mkdtempSync(join(tmpdir(), 'scratchify-self-contained-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function selfContained(text: string, options: { keep?: string[]; buildArgs?: Record<string, string>; context?: string } = {}): Promise<string> {
  const result = await slim({
    dockerfile: { text, file: join(work, 'Dockerfile') },
    image: { kind: 'auto' },
    engine: null,
    keep: options.keep,
    buildArgs: options.buildArgs,
    context: options.context ?? work,
  });
  if (result.form !== 'self-contained') throw new Error('expected the self-contained form without an engine');
  return result.text;
}

/** The collector's arguments after its fixed script, as op/value pairs, and the final stage's contract. */
function readBack(text: string, original: string) {
  const { dockerfile } = parseDockerfile(text);
  expect(dockerfile.stages.map((stage) => stage.from.image).slice(-2)).toEqual(['original', 'scratch']);
  const collect = dockerfile.stages[dockerfile.stages.length - 2];
  expect(collect.name).toBe(COLLECT_STAGE);
  expect(collect.instructions.map((i) => i.keyword)).toEqual(['USER', 'RUN']);
  const run = collect.instructions[1] as RunInstruction;
  if (run.command.form !== 'exec') throw new Error('the collector RUN is in shell form');
  const [sh, c, script, argv0, ...args] = run.command.argv;
  expect([sh, c, argv0]).toEqual(['/bin/sh', '-c', COLLECT_STAGE]);
  expect(script).not.toContain('pwned');
  const steps: string[][] = [];
  for (let i = 0; i < args.length; i += 2) steps.push(args.slice(i, i + 2));
  const final = dockerfile.stages[dockerfile.stages.length - 1];
  expect(final.instructions.every((i) => i.keyword !== 'RUN')).toBe(true);
  const graph = resolveStages(dockerfile);
  const before = resolveStages(parseDockerfile(original).dockerfile);
  const { inheritsFrom, ...expected } = before.stages[before.target].contract;
  expect(inheritsFrom).toBeDefined();
  return { steps, contract: graph.stages[graph.target].contract, expected };
}

describe('the self-contained form of a hostile Dockerfile', () => {
  it('passes programs, COPY destinations, --keep globs, WORKDIR and VOLUME to the collector as arguments', async () => {
    const program = `/app/x'; touch /tmp/pwned-program; '`;
    const destination = '/dst/$(touch /tmp/pwned-copy)\n#\nRUN touch /tmp/pwned-copy2';
    const text = [
      'FROM debian:bookworm-slim',
      `COPY ["a", ${JSON.stringify(`${destination}/`)}]`,
      `WORKDIR "/w'; touch /tmp/pwned-workdir; '"`,
      `VOLUME ${JSON.stringify(['/v\nRUN touch /tmp/pwned-volume'])}`,
      'ENV A="$(touch /tmp/pwned-env)" B=\'`touch /tmp/pwned-env2` \\\\\'',
      'LABEL "x y"="it\'s # not a comment"',
      `ENTRYPOINT ${JSON.stringify([program, '\nRUN touch /tmp/pwned-arg'])}`,
      '',
    ].join('\n');
    const keep = "/usr/share/zoneinfo/*'; touch /tmp/pwned-keep; '";
    const emitted = await selfContained(text, { keep: [keep] });
    const { steps, contract, expected } = readBack(emitted, text);
    expect(steps).toEqual(
      expect.arrayContaining([
        ['path', program],
        ['path', destination],
        ['glob', keep],
        ['dir', "/w'; touch /tmp/pwned-workdir; '"],
        ['dir', '/v\nRUN touch /tmp/pwned-volume'],
      ]),
    );
    expect(contract).toEqual(expected);
  });

  it('refuses a value no Dockerfile form can carry, naming the Dockerfile', async () => {
    const text = 'FROM debian:bookworm-slim\nARG VALUE\nENV A=$VALUE\nCMD ["true"]\n';
    const error = await selfContained(text, { buildArgs: { VALUE: 'x\nRUN touch /tmp/pwned-arg' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnwritableValueError);
    expect((error as UnwritableValueError).format()).toBe(
      `${join(work, 'Dockerfile')}: the target stage's Env[0] (A): contains a line break, which a Dockerfile cannot express outside a JSON array`,
    );
  });

  it('reads entrypoint scripts only inside the build context', async () => {
    const context = join(work, 'context');
    const outside = join(work, 'outside');
    mkdirSync(context);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.sh'), '#!/bin/sh\nsecret-command-outside\n');
    writeFileSync(join(context, 'inside.sh'), '#!/bin/sh\ninside-command\n');
    symlinkSync(join(outside, 'secret.sh'), join(context, 'link.sh'));
    const text = 'FROM debian:bookworm-slim\nCOPY ../outside/secret.sh link.sh inside.sh /app/\nCMD ["/app/inside.sh"]\n';
    const emitted = await selfContained(text, { context });
    expect(emitted).toContain('"command", "inside-command"');
    expect(emitted).not.toContain('secret-command-outside');
  });
});
