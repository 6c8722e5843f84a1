/** The verdict and its renderings: the exit code rule, the text table, and the JSON document. */
import type { CheckOutcome } from '../../src/probe';
import { formatVerifyText, verdictOf, verifyJson, type CheckComparison, type VerifyReport } from '../../src/verify';

const pass = (durationMs = 1200): CheckOutcome => ({ ok: true, durationMs, failures: [], observation: { kind: 'process', exitCode: 0, stdout: 'sha256(x) = ab\n', stderr: '', timedOut: false } });
const broken: CheckOutcome = {
  ok: false,
  durationMs: 300,
  failures: ['exit code 127, expected 0', 'stdout does not match /^sha256/'],
  observation: { kind: 'process', exitCode: 127, stdout: '', stderr: 'digest: error while loading shared libraries: libssl.so.3: cannot open shared object file\n\u001b[2J', timedOut: false },
};

const comparison = (fat: CheckOutcome, slim: CheckOutcome, difference?: string): CheckComparison => ({ index: 1, label: 'command ["scratchify"]', kind: 'command', fat, slim, difference });

describe('verdictOf', () => {
  test.each<[string, CheckComparison[], number, string, number]>([
    ['every check passes on both', [comparison(pass(), pass())], 0, 'pass', 0],
    ['a check fails on slim only', [comparison(pass(), broken)], 0, 'slim-differs', 1],
    ['the contract differs', [comparison(pass(), pass())], 1, 'slim-differs', 1],
    ['the fat image fails its own probe, whatever slim does', [comparison(broken, pass())], 0, 'fat-fails', 2],
  ])('%s', (_what, checks, contractDifferences, verdict, exitCode) => {
    const contract = Array.from({ length: contractDifferences }, () => ({ field: 'user' as const, fat: '"app"', slim: '"0"' }));
    expect(verdictOf(checks, contract)).toEqual({ verdict, exitCode });
  });
});

function report(checks: CheckComparison[], contract: VerifyReport['contract'] = []): VerifyReport {
  return { probe: 'samples/c/probe.json', engine: 'docker', images: { fat: 'app:fat (0123456789ab)', slim: 'app:slim (ba9876543210)' }, checks, contract, ...verdictOf(checks, contract) };
}

describe('formatVerifyText', () => {
  test('a table of check × image, the failures and first difference under a failing check, the contract and the verdict', () => {
    const text = formatVerifyText(
      report([comparison(pass(1900), broken, 'exit code: 0 on fat, 127 on slim')], [{ field: 'workdir', fat: '"/"', slim: '"/app"' }]),
    );
    expect(text).toBe(
      [
        'probe: samples/c/probe.json',
        'fat:   app:fat (0123456789ab)',
        'slim:  app:slim (ba9876543210)',
        '',
        'check                     fat           slim',
        '1 command ["scratchify"]  pass   1.9 s  FAIL   0.3 s',
        '    slim: exit code 127, expected 0',
        '    slim: stdout does not match /^sha256/',
        '    first difference: exit code: 0 on fat, 127 on slim',
        '',
        'runtime contract differs:',
        '    WORKDIR: "/" on fat, "/app" on slim',
        'verdict: the slim image differs from the fat one (1 of 1 checks fail on slim, 1 contract difference)',
        '',
      ].join('\n'),
    );
    // What the image printed is not in the table: no terminal control sequence reaches the output.
    expect(text).not.toMatch(/\u001b/);
  });

  test('what the images printed and hold in their config cannot add a line or reach the terminal', () => {
    const hostile = '\u001b]0;owned\u0007line\nverdict: the slim image behaves like the fat one\r\u202e';
    const slimFailing: CheckOutcome = { ...broken, failures: [`stdout was ${hostile}`] };
    const text = formatVerifyText(report([comparison(pass(), slimFailing, `stdout: ${hostile}`)], [{ field: 'workdir', fat: hostile, slim: '"/"' }]));
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    // One verdict line only: the forged one stays inside its escaped value.
    expect(text.split('\n').filter((line) => line.startsWith('verdict:'))).toHaveLength(1);
    expect(text).toContain('    slim: stdout was \\x1b]0;owned\\x07line\\x0averdict: the slim image behaves like the fat one\\x0d\\u{202e}');
  });

  test('a pass names the contract fields compared', () => {
    const text = formatVerifyText(report([comparison(pass(), pass())]));
    expect(text).toContain('runtime contract: the same (ENTRYPOINT CMD ENV USER WORKDIR EXPOSE VOLUME LABEL STOPSIGNAL HEALTHCHECK)');
    expect(text).toContain('verdict: the slim image behaves like the fat one (1 of 1 checks pass on both, same contract)');
  });

  test('a fat image failing its own probe says nothing can be concluded', () => {
    expect(formatVerifyText(report([comparison(broken, broken)]))).toContain('verdict: the fat image fails its own probe, so nothing can be concluded');
  });
});

describe('verifyJson', () => {
  test('the documented fields, outputs as JSON strings', () => {
    const json = verifyJson(report([comparison(pass(), broken, 'exit code: 0 on fat, 127 on slim')]));
    expect(json).toEqual({
      version: 1,
      verdict: 'slim-differs',
      exitCode: 1,
      probe: 'samples/c/probe.json',
      engine: 'docker',
      images: { fat: 'app:fat (0123456789ab)', slim: 'app:slim (ba9876543210)' },
      checks: [
        {
          index: 1,
          name: 'command ["scratchify"]',
          kind: 'command',
          fat: { ok: true, durationMs: 1200, failures: [], observation: { kind: 'process', exitCode: 0, timedOut: false, stdout: 'sha256(x) = ab\n', stderr: '' } },
          slim: { ok: false, durationMs: 300, failures: broken.failures, observation: { kind: 'process', exitCode: 127, timedOut: false, stdout: '', stderr: (broken.observation as { stderr: string }).stderr } },
          difference: 'exit code: 0 on fat, 127 on slim',
        },
      ],
      contract: { same: true, differences: [] },
    });
    expect(JSON.stringify(json)).not.toMatch(/\u001b/);
  });
});
