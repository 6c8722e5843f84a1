import { parseDockerfile } from '../../src/dockerfile';
import { emitSelfContained } from '../../src/emit/dockerfile';
import { resolveStages } from '../../src/stages';

const original = [
  'FROM debian:bookworm-slim',
  'ENV APP_HOME=/srv/app GREETING="hello $$ world"',
  'WORKDIR $APP_HOME',
  'COPY app/ ./',
  'USER 1000:1000',
  'EXPOSE 8080',
  'HEALTHCHECK --interval=30s --start-interval=2s CMD ["/srv/app/check"]',
  'CMD ["/srv/app/run", "--port", "8080"]',
  '',
].join('\n');

function emitted(text: string): string {
  const { dockerfile } = parseDockerfile(text);
  const graph = resolveStages(dockerfile);
  const stage = graph.stages[graph.target];
  return emitSelfContained({ text, dockerfile, target: graph.target, contract: stage.contract, copies: stage.copies, keep: [] });
}

describe('the self-contained form', () => {
  it('keeps the original text, collects in a stage built from it, and restates the contract exactly', () => {
    const text = emitted(original);
    expect(text.startsWith(original.replace('FROM debian:bookworm-slim', 'FROM debian:bookworm-slim AS original'))).toBe(true);
    const { dockerfile } = parseDockerfile(text);
    const names = dockerfile.stages.map((stage) => stage.name);
    expect(names).toEqual(['original', 'scratchify-collect', undefined]);
    const graph = resolveStages(dockerfile);
    const before = resolveStages(parseDockerfile(original).dockerfile);
    const { inheritsFrom, ...expected } = before.stages[before.target].contract;
    expect(inheritsFrom).toBe('debian:bookworm-slim');
    expect(graph.stages[graph.target].contract).toEqual(expected);
    // The copied application is an argument of the collector's RUN, not part of its script.
    expect(text).toMatch(/\n {5}"path", "\/srv\/app", \\\n/);
  });

  it('refuses a target that sets neither ENTRYPOINT nor CMD', () => {
    expect(() => emitted('FROM debian:bookworm-slim\nCOPY a /a\n')).toThrow(/sets neither ENTRYPOINT nor CMD/);
  });
});
