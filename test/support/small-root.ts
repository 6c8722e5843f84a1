import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { debianLibc, debianLoader, debianProgram } from './debian-binaries';

/** A small usrmerged Debian-like root: /bin/true, dash, env and mkdir with libc and the loader, and two scripts. */
export function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-analyzer-'));
  const put = (path: string, content: string | Buffer, mode = 0o644): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  };
  mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
  mkdirSync(join(root, 'usr/lib64'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  symlinkSync('usr/lib64', join(root, 'lib64'));
  symlinkSync('usr/bin', join(root, 'bin'));
  put('usr/lib/x86_64-linux-gnu/libc.so.6', debianLibc(), 0o755);
  put('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', debianLoader(), 0o755);
  symlinkSync('/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', join(root, 'usr/lib64/ld-linux-x86-64.so.2'));
  put('usr/bin/true', debianProgram(['true']), 0o755);
  put('usr/bin/dash', debianProgram(['dash']), 0o755);
  symlinkSync('dash', join(root, 'usr/bin/sh'));
  put('usr/bin/env', debianProgram(['env']), 0o755);
  put('usr/local/bin/start.sh', '#!/bin/sh\nset -e\nmkdir -p /run/app\ntrue --ignored\nexec "$@"\n', 0o755);
  put('usr/bin/mkdir', debianProgram(['mkdir']), 0o755);
  put('usr/local/bin/tool.sh', '#!/usr/bin/env sh\necho hi\n', 0o755);
  put('srv/app/config.ini', 'x=1\n');
  put('srv/app/data/seed.txt', 'seed\n');
  put('usr/share/doc/big.txt', 'x'.repeat(100_000));
  mkdirSync(join(root, 'var/cache/app'), { recursive: true });
  return root;
}
