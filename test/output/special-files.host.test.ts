/**
 * Host tier (needs `mknod` with CAP_MKNOD, and `mkfifo`): a character device, a block device and a FIFO at an
 * output path are refused by `slim -o`, `--report`, `--oci-archive`, `--docker-archive` and `lint -o` with one
 * line and exit 2, and stay what they were. The nodes are made in a temporary directory, never in /dev.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { configFor, dockerLegacyArchive, layer, tempDir } from '../image/image-builder';

let inputs: string;
let archive: string;
let dockerfile: string;
let dir: string;

beforeAll(async () => {
  inputs = tempDir('scratchify-special-in-');
  const app = await layer([
    { name: 'app/', type: 'directory' },
    { name: 'app/run', content: '#!/app/run\n', mode: 0o755 },
  ]);
  archive = join(inputs, 'image.tar');
  fs.writeFileSync(archive, await dockerLegacyArchive([app], configFor([app], { Entrypoint: ['/app/run'] })));
  dockerfile = join(inputs, 'Dockerfile');
  fs.writeFileSync(dockerfile, 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app/run"]\n');
  dir = tempDir('scratchify-special-');
});

afterAll(() => {
  fs.rmSync(inputs, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

const COMMANDS: Record<string, (path: string) => string[]> = {
  'slim -o': (path) => ['slim', dockerfile, '--image-archive', archive, '-o', path],
  'slim --report': (path) => ['slim', dockerfile, '--image-archive', archive, '--report', path],
  'slim --oci-archive': (path) => ['slim', dockerfile, '--image-archive', archive, '--oci-archive', path],
  'slim --docker-archive': (path) => ['slim', dockerfile, '--image-archive', archive, '--docker-archive', path],
  'lint -o': (path) => ['lint', dockerfile, '-o', path],
};

/** Special files, made once: `/dev/null`'s numbers (1,3), a block device (7,0: loop0) and a FIFO. */
const NODES: Array<[string, string[], (stat: fs.Stats) => boolean, string]> = [
  ['null-device', ['mknod', 'c', '1', '3'], (stat) => stat.isCharacterDevice(), 'a character device'],
  ['block-device', ['mknod', 'b', '7', '0'], (stat) => stat.isBlockDevice(), 'a block device'],
  ['fifo', ['mkfifo'], (stat) => stat.isFIFO(), 'a FIFO'],
];

describe('special files at an output path', () => {
  beforeAll(() => {
    for (const [name, [tool, ...args]] of NODES) execFileSync(tool, tool === 'mkfifo' ? [join(dir, name)] : [join(dir, name), ...args]);
  });

  describe.each(Object.keys(COMMANDS))('%s', (command) => {
    it.each(NODES)('refuses %s', async (name, _make, isStill, kind) => {
      const before = fs.readdirSync(dir).sort();
      const result = await runCli(COMMANDS[command](join(dir, name)));
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`scratchify: cannot write ${join(dir, name)}: it is ${kind}, not a regular file\n`);
      expect(isStill(fs.lstatSync(join(dir, name)))).toBe(true);
      expect(fs.readdirSync(dir).sort()).toEqual(before);
    });
  });
});
