/**
 * Each rule of quoting.ts, pinned by round trips through the project's BuildKit-exact parser: the text a rule
 * writes, parsed back (and expanded with BuildKit's scoping where the builder expands), gives exactly the
 * value, or the rule refuses the value. Every case runs with both escape characters.
 */
import { parseDockerfile, type EscapeChar, type RunInstruction } from '../../src/dockerfile';
import {
  comment, copySource, countWord, durationWord, execWord, expandedExecWord, jsonArray, keyWord, portWord, quotedWord,
  shellScript, signalWord, UnwritableValueError, visible, workdirWord, type Field,
} from '../../src/emit/dockerfile/quoting';
import { resolveStages, type RuntimeContract } from '../../src/stages';

const field: Field = { label: 'test value', kind: 'image' };
const ESCAPES: EscapeChar[] = ['\\', '`'];

/** Values no rule changes: quotes, expansions, escape characters, comment and glob characters, Unicode spaces. */
const ORDINARY = [
  'plain', 'a b', "it's", 'say "hi"', '$HOME ${X:-y} $(id) $$', 'back\\slash', 'back`tick', 'trail\\', 'trail`',
  '# hash', '#', '-rf', '--from=x', '--', '[id].js', 'a*b?', 'tab\there', 'é ☃ 😀', 'nbsp\u00a0nel\u0085ls\u2028ps\u2029', '\ufeffbom',
  'ctl\x1b[31m\x7f\x85', '=eq=', "''", '""', ' lead and trail ', '<<EOF', '\\\\', '$', "'", '"', '\\', '`', "'\"'\"'",
  'x\\ \\ ',
];
const LINE_BREAKS = ['a\nb', 'a\rb', 'a\r\nb', '\n', 'RUN x\nFROM y', '\\\n\\'];
const NEVER = ['nul\0', 'lone \udcff byte', 'high \ud800 alone'];

/** A Dockerfile of `lines` after FROM scratch (a source stage too), with the escape directive when needed. */
function dockerfile(lines: string[], escape: EscapeChar): string {
  return `${escape === '`' ? '# escape=`\n' : ''}FROM scratch AS source\nFROM scratch\n${lines.join('\n')}\n`;
}

function contractOf(lines: string[], escape: EscapeChar): RuntimeContract {
  const { dockerfile: parsed } = parseDockerfile(dockerfile(lines, escape));
  const graph = resolveStages(parsed);
  return graph.stages[graph.target].contract;
}

function finalInstructions(lines: string[], escape: EscapeChar) {
  const { dockerfile: parsed } = parseDockerfile(dockerfile(lines, escape));
  return parsed.stages[parsed.stages.length - 1].instructions;
}

function refused(write: () => unknown): boolean {
  try {
    write();
    return false;
  } catch (error) {
    if (!(error instanceof UnwritableValueError)) throw error;
    expect(error.format()).not.toMatch(/[\n\r]/);
    expect(error.message.startsWith('test value: ')).toBe(true);
    return true;
  }
}

describe.each(ESCAPES)('with escape %s', (escape) => {
  describe('quoted words (ENV, LABEL, WORKDIR, USER)', () => {
    it.each(ORDINARY)('give back %j', (value) => {
      const word = quotedWord(value, field);
      const key = `k ${value.replace(/=/g, '-')}`;
      const contract = contractOf([`ENV K=${word} ${escape}`, `    ${keyWord(key, field)}=${word}`, `LABEL ${keyWord(key, field)}=${word}`, `USER ${word}`], escape);
      expect(contract.env).toEqual({ K: value, [key]: value });
      expect(contract.labels).toEqual({ [key]: value });
      expect(contract.user).toBe(value);
    });

    it.each([...LINE_BREAKS, ...NEVER])('refuse %j', (value) => {
      expect(refused(() => quotedWord(value, field))).toBe(true);
    });

    it('refuse keys that are empty or hold =', () => {
      expect(refused(() => keyWord('', field))).toBe(true);
      expect(refused(() => keyWord('a=b', field))).toBe(true);
    });
  });

  describe('WORKDIR', () => {
    it.each(ORDINARY.filter((value) => !value.includes('/') && value !== '.' && value !== '..'))('gives back /w/%j', (value) => {
      expect(contractOf([`WORKDIR ${workdirWord(`/w/${value}`, field)}`], escape).workdir).toBe(`/w/${value}`);
    });

    it.each(['relative', '/a/', '/a//b', '/a/./b', '/a/../b', '/a\nb'])('refuses %j, which it would write differently', (value) => {
      expect(refused(() => workdirWord(value, field))).toBe(true);
    });
  });

  describe('expanded exec words (VOLUME, COPY)', () => {
    it.each([...ORDINARY, ...LINE_BREAKS].filter((value) => value !== ''))('give back %j', (value) => {
      const contract = contractOf([`VOLUME ${jsonArray([expandedExecWord(value, field), expandedExecWord(`/v/${value}`, field)], escape, '       ')}`], escape);
      expect(contract.volumes).toEqual([value, `/v/${value}`]);
    });

    it.each([...ORDINARY, ...LINE_BREAKS].filter((value) => !/[[*?\\]/.test(value)))('give back COPY source and destination %j', (value) => {
      const { dockerfile: parsed } = parseDockerfile(
        dockerfile([`COPY --from=source ${jsonArray([copySource(`/s/${value}`, field), copySource(`/t/${value}`, field), expandedExecWord(`/d/${value}/`, field)], escape, '     ')}`], escape),
      );
      const copies = resolveStages(parsed).stages[1].copies;
      expect(copies.map((copy) => copy.sources)).toEqual([[`/s/${value}`, `/t/${value}`]]);
    });

    it('refuse a COPY source COPY would read as a pattern', () => {
      for (const value of ['/[id].js', '/a*', '/a?', '/back\\slash']) expect(refused(() => copySource(value, field))).toBe(true);
    });

    it.each(NEVER)('refuse %j', (value) => {
      expect(refused(() => expandedExecWord(value, field))).toBe(true);
    });
  });

  describe('exec words (ENTRYPOINT, CMD, HEALTHCHECK CMD, RUN)', () => {
    const values = [...ORDINARY, ...LINE_BREAKS, ''];
    it('give back every word, one line or many', () => {
      const words = values.map((value) => execWord(value, field));
      const lines = [
        `ENTRYPOINT ${jsonArray(words, escape, '           ')}`,
        `CMD ${jsonArray(words.slice(0, 2), escape, '    ')}`,
        `HEALTHCHECK CMD ${jsonArray(words, escape, '     ')}`,
        `RUN ${jsonArray(words, escape, '    ')}`,
      ];
      const contract = contractOf(lines, escape);
      expect(contract.entrypoint).toEqual(values);
      expect(contract.cmd).toEqual(values.slice(0, 2));
      expect(contract.healthcheck?.test).toEqual(['CMD', ...values]);
      const run = finalInstructions(lines, escape).find((i): i is RunInstruction => i.keyword === 'RUN');
      expect(run?.command).toEqual({ form: 'exec', argv: values });
    });

    it.each(NEVER)('refuse %j', (value) => {
      expect(refused(() => execWord(value, field))).toBe(true);
    });
  });

  describe('shell-form HEALTHCHECK scripts', () => {
    // Go's unicode.IsSpace is the White_Space property (JavaScript's trim differs: U+FEFF, U+0085).
    const scripts = ORDINARY.filter((value) => !/^\p{White_Space}|\p{White_Space}$/u.test(value) && !value.endsWith(escape) && value !== '');
    it.each(scripts)('give back %j', (value) => {
      const contract = contractOf([`HEALTHCHECK --interval=30s CMD ${shellScript(value, field, escape)}`], escape);
      expect(contract.healthcheck).toEqual({ test: ['CMD-SHELL', value], interval: '30s' });
    });

    it.each([
      ...LINE_BREAKS, ...NEVER, '', ' lead', 'trail ', 'nbsp\u00a0', `ends with ${escape}`, '["touch", "/tmp/x"]',
      '["a"] && touch /tmp/x', '[1]', ' ["a"]',
    ])('refuse %j', (value) => {
      expect(refused(() => shellScript(value, field, escape))).toBe(true);
    });

    it('keep scripts that only look like the start of JSON', () => {
      for (const value of ['[ -f /tmp/ok ] || exit 1', '[[ -e x ]]', '["unterminated', '[a]']) {
        expect(contractOf([`HEALTHCHECK CMD ${shellScript(value, field, escape)}`], escape).healthcheck?.test).toEqual(['CMD-SHELL', value]);
      }
    });
  });

  describe('comments', () => {
    it.each([...ORDINARY, ...LINE_BREAKS, ...NEVER, '\u202eevil', 'x\u2066y'])('keep %j on one line, adding no instruction', (value) => {
      const line = comment(`Note: ${value}`);
      expect(line).not.toMatch(/[\n\r\u2028\u2029\u202e\u2066\p{Cc}]|\p{Cs}/u);
      const instructions = finalInstructions([line, 'USER x'], escape);
      expect(instructions.map((i) => i.keyword)).toEqual(['USER']);
      expect(instructions[0].comments).toEqual([line.slice('# '.length).trimEnd()]);
    });

    it('stay far below the line limit, cut at a character', () => {
      const line = comment(`libraries of /${'😀'.repeat(50_000)}`);
      expect(Array.from(line).length).toBeLessThan(4100);
      expect(line.endsWith('😀…')).toBe(true);
    });

    it('shows invisible characters as escapes', () => {
      expect(visible('a\nb\r\t\x1b\x7f\u2028\u202e\udcff\ud800é')).toBe('a\\nb\\r\\t\\x1b\\x7f\\u2028\\u202e\\xff\\ud800é');
    });
  });

  describe('ports, signals, durations, counts', () => {
    it('write Docker formats as they are', () => {
      const contract = contractOf(
        [
          `EXPOSE ${portWord('80/tcp', field)} ${portWord('65535/udp', field)} ${portWord('1/sctp', field)}`,
          `STOPSIGNAL ${signalWord('SIGRTMIN+3', field)}`,
          `HEALTHCHECK --interval=${durationWord('1m30.5s', field)} --timeout=${durationWord('500ms', field)} --retries=${countWord(3, field)} CMD ["x"]`,
        ],
        escape,
      );
      expect(contract.exposedPorts).toEqual(['1/sctp', '65535/udp', '80/tcp']);
      expect(contract.stopSignal).toBe('SIGRTMIN+3');
      expect(contract.healthcheck).toMatchObject({ interval: '1m30.5s', timeout: '500ms', retries: 3 });
      for (const signal of ['9', 'KILL', 'sigterm', 'SIGQUIT', 'RTMAX-2']) expect(signalWord(signal, field)).toBe(signal);
      expect(portWord('8000-8010/TCP', field, true)).toBe('8000-8010/TCP');
    });

    it('refuse anything else', () => {
      for (const port of ['80', '0/tcp', '65536/tcp', '80/TCP', '8000-8010/tcp', '80/tcp\nRUN x', '80/tcp 81/tcp', '$P/tcp']) {
        expect(refused(() => portWord(port, field))).toBe(true);
      }
      for (const signal of ['', '0', 'SIGFOO', 'KILL\nRUN x', '$SIG', '9 9']) expect(refused(() => signalWord(signal, field))).toBe(true);
      for (const duration of ['', '-1s', '1s\nRUN x', '1 s', '$D']) expect(refused(() => durationWord(duration, field))).toBe(true);
      for (const count of [-1, 1.5, Number.NaN]) expect(refused(() => countWord(count, field))).toBe(true);
    });
  });
});
