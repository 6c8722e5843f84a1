/**
 * `lint` does work proportional to the Dockerfile: the same Dockerfile pattern repeated ten times as often
 * must cost about ten times the work, not a hundred. Work is counted, not timed: every property read of the
 * parsed Dockerfile (the IR every rule walks) and of the commands the shell grammar found in each RUN goes
 * through a counting proxy, and the shell grammar must run once per RUN script. A rule that compares every
 * RUN with every earlier one (as `cleanup-in-separate-layer` once did) reads the IR quadratically often.
 */
import type * as DockerfileModule from '../../src/dockerfile';
import { lint } from '../../src/lint/linter';
import type * as ShellModule from '../../src/shell';

/**
 * What the counting replaces: the parsed Dockerfile and each RUN's commands, as lint receives them. Modules
 * are replaced through jest.mock (their exports cannot be redefined), with the real functions underneath.
 */
const hooks: { wrapDockerfile?: <T>(value: T) => T; onShellParse?: <T>(commands: T) => T } = {};

jest.mock('../../src/dockerfile', () => {
  const actual = jest.requireActual<typeof DockerfileModule>('../../src/dockerfile');
  return {
    ...actual,
    parseDockerfile: (...args: Parameters<typeof actual.parseDockerfile>) => {
      const result = actual.parseDockerfile(...args);
      return hooks.wrapDockerfile ? { ...result, dockerfile: hooks.wrapDockerfile(result.dockerfile) } : result;
    },
  };
});

jest.mock('../../src/shell', () => {
  const actual = jest.requireActual<typeof ShellModule>('../../src/shell');
  return {
    ...actual,
    invokedCommands: (...args: Parameters<typeof actual.invokedCommands>) => {
      const commands = actual.invokedCommands(...args);
      return hooks.onShellParse ? hooks.onShellParse(commands) : commands;
    },
  };
});

/** `units` repetitions of ten instructions, four of them RUNs, exercising every Dockerfile rule's inputs. */
function syntheticDockerfile(units: number): string {
  const lines = ['ARG BASE=debian:12-slim', 'FROM golang:1.22 AS build', 'RUN go build -o /app .', 'FROM ${BASE}', 'SHELL ["/bin/bash", "-c"]'];
  for (let i = 0; i < units; i++) {
    lines.push(
      `ENV V_${i}=${i}`,
      `RUN curl -fsSLo /tmp/f_${i} https://example.com/f_${i} && apt-get update && apt-get install -y pkg-${i} | tee /log && cd /src && sudo make`,
      `COPY f_${i}.tgz /opt/f_${i}.tgz`,
      `RUN rm -rf /tmp/f_${i - 1} /opt/f_${i - 1}.tgz /var/lib/apt/lists/* && apt-get purge -y pkg-${i - 1} && pip install flask`,
      `LABEL version_${i}="${i}"`,
      `RUN apk add git=2.45.${i} && npm install -g typescript && useradd -u 100${i} app${i}`,
      `ADD https://example.com/x_${i}.tar.gz /opt/`,
      `WORKDIR /w_${i}`,
      `RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements-${i}.txt`,
      `USER ${i % 2 === 0 ? 'root' : 'app'}`,
    );
  }
  lines.push('COPY --from=build /app /app', 'CMD /app --serve');
  return `${lines.join('\n')}\n`;
}

/** Wraps an object graph so that every property read through it is counted; one proxy per object. */
function counter() {
  let reads = 0;
  const proxies = new WeakMap<object, object>();
  const wrap = <T>(value: T): T => {
    if (typeof value !== 'object' || value === null) return value;
    const existing = proxies.get(value as object);
    if (existing) return existing as T;
    const proxy = new Proxy(value as object, {
      get(target, key, receiver) {
        reads++;
        return wrap(Reflect.get(target, key, receiver));
      },
    });
    proxies.set(value as object, proxy);
    return proxy as T;
  };
  return { wrap, reads: () => reads };
}

function work(units: number): { reads: number; shellParses: number; runs: number; findings: number } {
  const count = counter();
  let shellParses = 0;
  hooks.wrapDockerfile = count.wrap;
  hooks.onShellParse = (commands) => {
    shellParses++;
    return count.wrap(commands);
  };
  try {
    const text = syntheticDockerfile(units);
    const result = lint({ dockerfile: { text, file: 'Dockerfile' } });
    expect(result.fatal).toBe(false);
    return { reads: count.reads(), shellParses, runs: (text.match(/^RUN /gm) ?? []).length, findings: result.findings.length };
  } finally {
    delete hooks.wrapDockerfile;
    delete hooks.onShellParse;
  }
}

describe('lint work grows linearly with the Dockerfile', () => {
  it('reads the IR and the RUN commands about 10x as often for a Dockerfile with 10x the RUNs', () => {
    const small = work(10);
    const large = work(100);
    expect(large.runs).toBeGreaterThanOrEqual(400);
    // Every rule ran and found things on both: the counted work is the rules', not an early exit.
    expect(small.findings).toBeGreaterThan(100);
    expect(large.findings / small.findings).toBeGreaterThan(9);
    // The shell grammar reads each RUN once, however many rules ask for its commands (plus the shell-form CMD).
    expect(small.shellParses - small.runs).toBeLessThanOrEqual(1);
    expect(large.shellParses - large.runs).toBe(small.shellParses - small.runs);
    const ratio = large.reads / small.reads;
    // Linear work gives ~10 (plus a constant part); one quadratic rule alone would push it toward 100.
    expect(ratio).toBeGreaterThan(8);
    expect(ratio).toBeLessThan(12);
  });
});
