import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A small usrmerged Debian-like root with the host's real /bin/true, its libc and loader, and a script. */
export function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-analyzer-'));
  const put = (path: string, content: string | Buffer, mode = 0o644): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  };
  const copy = (from: string, to = from, mode = 0o755): void => {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(from, join(root, to));
    chmodSync(join(root, to), mode);
  };
  mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
  mkdirSync(join(root, 'usr/lib64'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  symlinkSync('usr/lib64', join(root, 'lib64'));
  symlinkSync('usr/bin', join(root, 'bin'));
  copy('/usr/lib/x86_64-linux-gnu/libc.so.6');
  copy('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  symlinkSync('/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', join(root, 'usr/lib64/ld-linux-x86-64.so.2'));
  copy('/usr/bin/true');
  copy('/usr/bin/dash');
  symlinkSync('dash', join(root, 'usr/bin/sh'));
  copy('/usr/bin/env');
  put('usr/local/bin/start.sh', '#!/bin/sh\nset -e\nmkdir -p /run/app\ntrue --ignored\nexec "$@"\n', 0o755);
  copy('/usr/bin/mkdir');
  put('usr/local/bin/tool.sh', '#!/usr/bin/env sh\necho hi\n', 0o755);
  put('srv/app/config.ini', 'x=1\n');
  put('srv/app/data/seed.txt', 'seed\n');
  put('usr/share/doc/big.txt', 'x'.repeat(100_000));
  mkdirSync(join(root, 'var/cache/app'), { recursive: true });
  return root;
}

