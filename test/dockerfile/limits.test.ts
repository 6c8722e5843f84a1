import { dumpSyntaxTree, MAX_DOCKERFILE_BYTES, MAX_LINE_BYTES, parseDockerfile, parseSyntax, type RunInstruction } from '../../src/dockerfile';
import { DockerfileSyntaxError } from '../../src/errors';

function syntaxError(text: string): DockerfileSyntaxError {
  try {
    parseDockerfile(text, { file: 'Dockerfile' });
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a DockerfileSyntaxError');
}

const LINE_TOO_LONG = `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`;

describe("BuildKit's line limit", () => {
  it('accepts a line of 65535 bytes and refuses one more, at its line', () => {
    const fits = `RUN ${'a'.repeat(MAX_LINE_BYTES - 4)}`;
    expect(parseDockerfile(`FROM a\n${fits}\n`).dockerfile.stages[0].instructions).toHaveLength(1);
    expect(syntaxError(`FROM a\n\n${fits}a\nRUN x\n`).format()).toBe(`Dockerfile:3:1: ${LINE_TOO_LONG}`);
  });

  it('counts UTF-8 bytes, a carriage return, and a last line without newline', () => {
    const euros = (count: number) => `RUN ${'€'.repeat(count)}`;
    expect(() => parseDockerfile(`FROM a\n${euros((MAX_LINE_BYTES - 4) / 3)}\n`)).not.toThrow();
    expect(syntaxError(`FROM a\n${euros((MAX_LINE_BYTES - 4) / 3 + 1)}\n`).message).toBe(LINE_TOO_LONG);
    expect(() => parseDockerfile(`FROM a\r\nRUN ${'a'.repeat(MAX_LINE_BYTES - 5)}\r\n`)).not.toThrow();
    expect(syntaxError(`FROM a\r\nRUN ${'a'.repeat(MAX_LINE_BYTES - 4)}\r\n`).message).toBe(LINE_TOO_LONG);
    expect(syntaxError(`FROM a\nRUN ${'a'.repeat(MAX_LINE_BYTES - 3)}`).message).toBe(LINE_TOO_LONG);
  });

  it('applies to comments and heredoc bodies, which BuildKit reads with the same scanner', () => {
    expect(syntaxError(`FROM a\n# ${'c'.repeat(MAX_LINE_BYTES)}\n`).format()).toBe(`Dockerfile:2:1: ${LINE_TOO_LONG}`);
    expect(syntaxError(`FROM a\nRUN <<EOF\nok\n${'b'.repeat(MAX_LINE_BYTES + 1)}\nEOF\n`).format()).toBe(`Dockerfile:4:1: ${LINE_TOO_LONG}`);
  });

  it('reports an earlier syntax error first, as BuildKit reads line by line', () => {
    expect(syntaxError(`FROM a\nCMD ["a", 1]\n${'#'.repeat(MAX_LINE_BYTES + 1)}\n`).message).toMatch(/only string arrays/);
  });
});

describe("scratchify's size limit", () => {
  it('refuses a Dockerfile over 2 MiB at the line that crosses the limit', () => {
    const line = `RUN ${'a'.repeat(1019)}\n`; // 1 KiB
    const lines = MAX_DOCKERFILE_BYTES / line.length;
    const exactly = `${'FROM a'.padEnd(line.length - 1, ' ')}\n${line.repeat(lines - 1)}`;
    expect(exactly).toHaveLength(MAX_DOCKERFILE_BYTES);
    expect(parseDockerfile(exactly).dockerfile.stages[0].instructions).toHaveLength(lines - 1);
    expect(syntaxError(`${exactly}#\n`).format()).toBe(
      `Dockerfile:${lines + 1}:1: Dockerfile larger than ${MAX_DOCKERFILE_BYTES} bytes (scratchify's limit, see docs/limits.md)`,
    );
  });
});

describe('input that made the parser super-linear or recurse', () => {
  it('reads a directive-shaped line with a long blank run in one pass', () => {
    const error = syntaxError(`# escape=x${' '.repeat(60_000)}y\nFROM a\n`);
    expect(error.message).toMatch(/^invalid escape token 'x {60000}y' does not match/);
    // The formatted line shortens what the message quotes.
    expect(error.format().length).toBeLessThan(1100);
  });

  it('trims a logical line whose continuation lines are long blank runs', () => {
    const blanks = `${' '.repeat(60_000)}\\\n`;
    const text = `FROM a\nRUN a \\\n${blanks.repeat(20)}b\n`;
    const run = parseDockerfile(text).dockerfile.stages[0].instructions[0] as RunInstruction;
    expect(run.command).toEqual({ form: 'shell', script: `a ${' '.repeat(20 * 60_000)}b` });
  });

  it('parses ONBUILD chains of any depth and refuses them in the typed layer, as BuildKit does', () => {
    const depth = 100_000;
    const text = `FROM a\n${'ONBUILD \\\n'.repeat(depth)}RUN x\n`;
    expect(syntaxError(text).format()).toBe("Dockerfile:2:1: ONBUILD isn't allowed as an ONBUILD trigger");
    const dump = dumpSyntaxTree(parseSyntax(text));
    expect(dump).toBe(`(from "a")\n(${'onbuild ('.repeat(depth)}run "x"${')'.repeat(depth)})\n`);
  });

  it('reads the short ONBUILD chain exactly as BuildKit dumps it', () => {
    expect(dumpSyntaxTree(parseSyntax('FROM a\nONBUILD ONBUILD RUN --network=none x y\n'))).toBe(
      '(from "a")\n(onbuild (onbuild (run ["--network=none"] "x y")))\n',
    );
  });

  it('warns once per instruction about empty continuation lines', () => {
    const text = `FROM a\nRUN a \\\n${'\n'.repeat(50_000)}  b\nRUN c \\\n\n  d\n`;
    expect(parseDockerfile(text).dockerfile.warnings.map((warning) => warning.line)).toEqual([3, 50_005]);
  });
});

describe('source columns', () => {
  it('gives the keyword column, the end of the last line and each flag\'s column on its own line', () => {
    const text = '\ufeffFROM a\n  RUN \\\n    --mount=type=cache,target=/x \\\n  --network=none make\nRUN <<EOF\n  body\nEOF\n';
    const { dockerfile } = parseDockerfile(text, { strict: false });
    expect(dockerfile.stages[0].from.range).toEqual({ startLine: 1, endLine: 1, startColumn: 2, endColumn: 8 });
    const [run, heredoc] = dockerfile.stages[0].instructions;
    expect(run.range).toEqual({ startLine: 2, endLine: 4, startColumn: 3, endColumn: 22 });
    expect(heredoc.range).toEqual({ startLine: 5, endLine: 7, startColumn: 1, endColumn: 4 });
    expect(syntaxError('FROM a\nRUN \\\n  --network=bogus make\n').format()).toBe('Dockerfile:2:3: unsupported network mode "bogus"');
    expect(syntaxError('FROM a\nENV --foo=bar a=b\n').format()).toBe('Dockerfile:2:5: unknown flag: foo');
  });
});
