import { DockerfileParser, type Copy, type From } from 'dockerfile-ast';
import { chompedContent, parseDockerfile, type CopyInstruction, type RunInstruction } from '../../src/dockerfile';
import { DockerfileSyntaxError } from '../../src/errors';

const parse = (text: string) => parseDockerfile(text, { file: 'Dockerfile' }).dockerfile;

describe('where dockerfile-ast 0.7.1 differs from BuildKit, our layer corrects it', () => {
  it('finds --from and --platform when other flags share the line', () => {
    const text = 'FROM --platform=linux/arm64 debian AS base\nFROM base\nCOPY --from=base --chown=1:1 --link /a /b\n';
    const ast = DockerfileParser.parse(text);
    const copy = ast.getCOPYs()[0] as Copy;
    expect(copy.getFromFlag()).toBeNull(); // the gap
    const ours = parse(text);
    const ourCopy = ours.stages[1].instructions[0] as CopyInstruction;
    expect(ourCopy.from).toBe('base');
    expect(ourCopy.chown).toBe('1:1');
    expect(ourCopy.link).toBe(true);
    expect(ours.stages[0].from.platform).toBe('linux/arm64');
    expect((ast.getFROMs()[0] as From).getPlatformFlag()?.getValue()).toBe('linux/arm64');
  });

  it('reads several names in one ARG', () => {
    const text = 'FROM scratch\nARG a=1 b="two words" c\n';
    const ast = DockerfileParser.parse(text);
    expect((ast.getARGs()[0] as unknown as { getProperty(): unknown }).getProperty()).toBeNull(); // the gap
    const arg = parse(text).stages[0].instructions[0];
    expect(arg.keyword === 'ARG' && arg.args).toEqual([
      { name: 'a', defaultValue: '1' },
      { name: 'b', defaultValue: '"two words"' },
      { name: 'c' },
    ]);
  });

  it('stops reading directives at the first line that is not a known directive', () => {
    const text = '# foo=bar\n# escape=`\nFROM scratch\n';
    expect(DockerfileParser.parse(text).getDirectives().map((d) => d.getName())).toEqual(['foo', 'escape']); // the gap
    const ours = parse(text);
    expect(ours.directives).toEqual([]);
    expect(ours.escape).toBe('\\');
  });

  it('knows the check directive and rejects a repeated one', () => {
    const ours = parse('# syntax=docker/dockerfile:1.10\n# check=skip=JSONArgsRecommended;error=true\nFROM scratch\n');
    expect(ours.directives.map((d) => [d.name, d.value])).toEqual([
      ['syntax', 'docker/dockerfile:1.10'],
      ['check', 'skip=JSONArgsRecommended;error=true'],
    ]);
    expect(() => parse('# escape=`\n# escape=\\\nFROM scratch\n')).toThrow('only one escape parser directive can be used');
    expect(() => parse('# escape=x\nFROM scratch\n')).toThrow(/invalid escape token/);
  });

  it('reads heredoc contents, with <<- tab stripping, quoted delimiters and several per line, on ADD too', () => {
    const text = [
      'FROM debian',
      'RUN <<-EOF bash -e && 3<<"END" cat',
      '\techo "$HOME"',
      '\t\tEOF',
      'literal $HOME',
      'END',
      'ADD <<conf /etc/app.conf',
      'key=value',
      'conf',
      'CMD ["app"]',
      '',
    ].join('\n');
    const dockerfile = parse(text);
    const [run, add, cmd] = dockerfile.stages[0].instructions;
    const heredocs = (run as RunInstruction).heredocs;
    expect(heredocs.map((h) => ({ name: h.name, chomp: h.chomp, expand: h.expand, fd: h.fileDescriptor }))).toEqual([
      { name: 'EOF', chomp: true, expand: true, fd: undefined },
      { name: 'END', chomp: false, expand: false, fd: 3 },
    ]);
    expect(heredocs[0].content).toBe('\techo "$HOME"\n');
    expect(chompedContent(heredocs[0])).toBe('echo "$HOME"\n');
    expect(heredocs[1].content).toBe('literal $HOME\n');
    expect(add.keyword === 'ADD' && add.heredocs.map((h) => [h.name, h.content])).toEqual([['conf', 'key=value\n']]);
    expect(cmd.keyword).toBe('CMD');
    expect(run.range.startLine).toBe(2);
    expect(run.range.endLine).toBe(6);
  });

  it('reads heredoc delimiters with backslash escaping even under escape=`', () => {
    const dockerfile = parse('# escape=`\nFROM a\nRUN <<E\\O\\F cat\nhi\nEOF\n');
    const run = dockerfile.stages[0].instructions[0] as RunInstruction;
    expect(run.heredocs.map((h) => [h.name, h.expand])).toEqual([['EOF', true]]);
  });

  it('does not take quoted or spaced << as a heredoc, nor any in exec form', () => {
    const run = parse('FROM a\nRUN echo "<<EOF" << EOF\nRUN ["cat", "<<EOF"]\n').stages[0].instructions;
    expect(run.map((r) => (r as RunInstruction).heredocs.length)).toEqual([0, 0]);
  });

  it('errors on an unterminated heredoc', () => {
    expect(() => parse('FROM a\nRUN <<EOF\necho\n')).toThrow(/unterminated heredoc/);
  });
});

describe('BuildKit facts', () => {
  it('falls back to shell form on invalid JSON and rejects nested arrays', () => {
    const cmd = parse("FROM a\nCMD ['echo', 'hi']\n").stages[0].instructions[0];
    expect(cmd.keyword === 'CMD' && cmd.command).toEqual({ form: 'shell', script: "['echo', 'hi']" });
    expect(() => parse('FROM a\nCMD ["a", ["b"]]\n')).toThrow(DockerfileSyntaxError);
  });

  it('takes flags only as --name=value', () => {
    expect(() => parse('FROM a\nCOPY --from build /a /b\n')).toThrow(/missing a value on flag: from/);
    expect(() => parse('FROM a\nCOPY --frm=build /a /b\n')).toThrow(/unknown flag: frm/);
    expect(() => parse('FROM a\nADD --link=maybe /a /b\n')).toThrow(/expecting boolean value/);
  });

  it('compares stage names case-insensitively, accepts duplicates (a BuildKit check, not an error) and rejects bad names', () => {
    const dockerfile = parse('FROM a AS Builder\nFROM builder\n');
    expect(dockerfile.stages[0].name).toBe('builder');
    expect(parse('FROM a AS x\nFROM b AS X\n').stages.map((stage) => stage.name)).toEqual(['x', 'x']);
    expect(() => parse('FROM a AS 1st\n')).toThrow(/invalid name for build stage/);
  });

  it('keeps every flag of RUN, COPY, ADD, HEALTHCHECK, FROM', () => {
    const text = [
      'FROM --platform=$BUILDPLATFORM golang AS b',
      'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=cache,target=/go/pkg,sharing=locked --network=none --security=sandbox go build',
      'COPY --from=b --chown=app:app --chmod=0755 --link --parents --exclude=*.md --exclude=tmp ./a ./b /dst/',
      'ADD --checksum=sha256:abc --keep-git-dir=true --chmod=644 https://example.com/x.tgz /x/',
      'HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --start-interval=1s --retries=2 CMD ["check"]',
    ].join('\n');
    const [run, copy, add, health] = parse(text).stages[0].instructions;
    expect(run.keyword === 'RUN' && run.mounts.map((m) => [m.type, m.target, m.readOnly])).toEqual([
      ['secret', '/root/.npmrc', true],
      ['cache', '/go/pkg', false],
    ]);
    expect(run.keyword === 'RUN' && [run.network, run.security]).toEqual(['none', 'sandbox']);
    expect(copy).toMatchObject({ from: 'b', chown: 'app:app', chmod: '0755', link: true, parents: true, exclude: ['*.md', 'tmp'], sources: ['./a', './b'], destination: '/dst/' });
    expect(add).toMatchObject({ checksum: 'sha256:abc', keepGitDir: true, chmod: '644', sources: ['https://example.com/x.tgz'] });
    expect(health).toMatchObject({ interval: '5s', timeout: '3s', startPeriod: '10s', startInterval: '1s', retries: 2, test: { kind: 'cmd', command: { form: 'exec', argv: ['check'] } } });
  });

  it('gives source ranges with dockerfile-ast columns', () => {
    const dockerfile = parse('FROM a\n  RUN --network=none \\\n   make\n');
    expect(dockerfile.stages[0].instructions[0].range).toMatchObject({ startLine: 2, endLine: 3, startColumn: 3 });
    expect(() => parse('FROM a\n  RUN --network=bogus make\n')).toThrow(/^unsupported network mode/);
    try {
      parse('FROM a\n  RUN --network=bogus make\n');
    } catch (error) {
      expect((error as DockerfileSyntaxError).format()).toBe('Dockerfile:2:7: unsupported network mode "bogus"');
    }
  });

  it('rejects instructions before the first FROM other than ARG, and ONBUILD chains', () => {
    expect(() => parse('RUN x\nFROM a\n')).toThrow(/no build stage in current context/);
    expect(() => parse('FROM a\nONBUILD ONBUILD RUN x\n')).toThrow(/isn't allowed as an ONBUILD trigger/);
    expect(() => parse('FROM a\nFOO bar\n')).toThrow(/unknown instruction: FOO/);
  });

  it('handles CRLF line endings and a BOM', () => {
    const dockerfile = parse('\ufeffFROM a\r\nRUN echo hi \\\r\n  there\r\n');
    const run = dockerfile.stages[0].instructions[0] as RunInstruction;
    expect(run.command).toEqual({ form: 'shell', script: 'echo hi   there' });
  });
});
