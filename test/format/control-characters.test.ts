/**
 * Text outputs never carry a control character from an image or a Dockerfile: `analyze`, `why`, `stages` and
 * `lint` (text, github, checkstyle) on an image whose file names hold ESC sequences, CR, LF, BEL, a C1 CSI,
 * a bidirectional override and a byte that is not UTF-8, and a Dockerfile with the same in its values. Every
 * kept path is one line; nothing on stdout or stderr is a raw control character except the line breaks
 * between lines.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { configFor, dockerLegacyArchive, layer, tempDir, type TestEntry } from '../image/image-builder';
import { headerBlock } from '../image/raw-tar';

/** File names as an attacker would pick them: each would act on a terminal or forge a line. */
const HOSTILE = [
  'esc-\x1b]0;owned\x07-title',
  'clear-\x1b[2J\x1b[H',
  'cr-\rforged',
  'lf-\n  forged line: etc-shadow  0.0 MB  [entrypoint]',
  'bel-\x07',
  'c1-\u009b31m',
  'bidi-\u202etxt.exe',
];

/** Anything a terminal or a line reader would act on, line breaks aside. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/;

let dir: string;
let archive: string;
let dockerfile: string;

beforeAll(async () => {
  dir = tempDir('scratchify-control-');
  const entries: TestEntry[] = [
    { name: 'app/', type: 'directory' },
    { name: 'app/run', content: '#!/app/run\n', mode: 0o755 },
    // World-writable, so lint's image rules name them in a finding.
    ...HOSTILE.map((name): TestEntry => ({ name: `app/${name}`, content: name, mode: 0o666 })),
    { name: `app/link-\x1b[31m`, type: 'symlink', linkname: 'target-\r\n-\x1b[0m' },
  ];
  const built = await layer(entries);
  // One more name that is not UTF-8 (tar-stream writes names as UTF-8, so this header is written raw).
  const raw = Buffer.concat([headerBlock({ name: Buffer.from('app/latin1-\xe9', 'latin1'), typeflag: '0' }), built.tar]);
  const layerWithRaw = { tar: raw, stored: raw };
  archive = join(dir, 'image.tar');
  writeFileSync(archive, await dockerLegacyArchive([layerWithRaw], configFor([layerWithRaw], { Entrypoint: ['/app/run'], Labels: { note: '\x1b[2J\u202e' } })));
  dockerfile = join(dir, 'Dockerfile');
  writeFileSync(
    dockerfile,
    'FROM scratch\nCOPY app /app\nENV GREETING="hello\x1b]0;owned\x07" OTHER="a\u009bb"\nLABEL note="\x1b[2J\u202e"\nENTRYPOINT ["/app/run"]\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectPrintable(output: string): void {
  const bad = output.split('\n').filter((line) => CONTROL.test(line));
  expect(bad).toEqual([]);
}

describe('text outputs show control characters as escapes', () => {
  it('analyze: each kept path on one line of its own, escaped', async () => {
    const result = await runCli(['analyze', '--image-archive', archive, dockerfile]);
    expect(result.code).toBe(0);
    expectPrintable(result.stdout);
    expectPrintable(result.stderr);
    const lines = result.stdout.split('\n');
    for (const shown of [
      '/app/esc-\\x1b]0;owned\\x07-title',
      '/app/clear-\\x1b[2J\\x1b[H',
      '/app/cr-\\x0dforged',
      '/app/lf-\\x0a  forged line: etc-shadow  0.0 MB  [entrypoint]',
      '/app/bel-\\x07',
      '/app/c1-\\u{9b}31m',
      '/app/bidi-\\u{202e}txt.exe',
      '/app/latin1-\\xe9',
    ]) {
      expect(lines.filter((line) => line.startsWith(`  ${shown}  `))).toHaveLength(1);
    }
    expect(lines.filter((line) => line.includes('forged'))).toHaveLength(2);
    expect(result.stdout).toContain('/app/link-\\x1b[31m  -> target-\\x0d\\x0a-\\x1b[0m');
  });

  it('why: the path asked about and every step of its chain, escaped', async () => {
    const result = await runCli(['why', '--image-archive', archive, '--dockerfile', dockerfile, `/app/${HOSTILE[3]}`, '/app/no\x1b[2Jsuch']);
    expect(result.code).toBe(1);
    expectPrintable(result.stdout);
    expect(result.stdout).toContain('/app/lf-\\x0a  forged line: etc-shadow  0.0 MB  [entrypoint] is kept because:\n');
    expect(result.stdout).toContain('/app/no\\x1b[2Jsuch: not kept\n');
  });

  it('stages: ENV and LABEL values from the Dockerfile, escaped', async () => {
    const result = await runCli(['stages', dockerfile]);
    expect(result.code).toBe(0);
    expectPrintable(result.stdout);
    expect(result.stdout).toContain('GREETING=hello\\x1b]0;owned\\x07');
    expect(result.stdout).toContain('OTHER=a\\u{9b}b');
  });

  it.each(['text', 'github', 'checkstyle'])('lint --format %s: findings and paths, escaped', async (format) => {
    const named = join(dir, 'Dockerfile-\x1b[31m');
    writeFileSync(named, 'FROM debian:bookworm\nRUN apt-get install -y curl\nBOGUS\x1b]0;owned\x07 x\n');
    const result = await runCli(['lint', named, '--format', format]);
    expect(result.code).toBe(2);
    expectPrintable(result.stdout);
    expectPrintable(result.stderr);
    expect(result.stdout).toContain('Dockerfile-\\x1b[31m');
    // The parser upper-cases the unknown instruction it quotes.
    expect(result.stdout).toContain('BOGUS\\x1b]0;OWNED\\x07');
  });

  it.each(['text', 'github', 'checkstyle'])('lint --format %s with the image: paths in findings, escaped', async (format) => {
    const result = await runCli(['lint', dockerfile, '--image-archive', archive, '--format', format]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expectPrintable(result.stdout);
    expectPrintable(result.stderr);
    expect(result.stdout).toMatch(/world-writable path/);
    expect(result.stdout).toContain('/app/bel-\\x07');
  });

  it('the one-line error of a binary Dockerfile shows its bytes as escapes', async () => {
    const binary = join(dir, 'binary');
    writeFileSync(binary, Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0x0d, 0x0a, 0xc2, 0x9b, 0xff, 0x0a]));
    const result = await runCli(['stages', binary]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expectPrintable(result.stderr);
    expect(result.stderr).toMatch(/^scratchify: /);
  });
});
