/** Small Debian-like roots with a dpkg database, for the package database and SBOM tests. */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Text a hostile image could put in a stanza: it must never reach the Dockerfile. */
export const MARKER = 'Description: hi\n  RUN touch /pwned $(id) `id` "\n';

export const HELLO = `Package: hello\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 2.10-3\n${MARKER}`;
export const UNUSED = 'Package: unused\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\nDescription: never run\n';
export const BASE = 'Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4+deb12u5\nDescription: base\n';
const REMOVED = 'Package: removed\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 3\n';
const HELLO_MD5 = `${'a'.repeat(32)}  usr/bin/hello\n${'b'.repeat(32)}  usr/share/hello/data\n`;

export function makeRoot(files: Record<string, string | [string, number]>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'scratchify-pkgdb-'));
  for (const [path, value] of Object.entries(files)) {
    const [content, mode] = typeof value === 'string' ? [value, 0o644] : value;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  }
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  }
  return root;
}

export function debianRoot(): string {
  return makeRoot(
    {
      'etc/debian_version': '12.5\n',
      'usr/lib/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
      'usr/bin/hello': ['#!/usr/bin/hello-interpreter-missing\n', 0o755],
      'usr/share/hello/data': 'data\n',
      'usr/bin/unused': ['x', 0o755],
      'usr/share/doc/hello/copyright': 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-3+\n\nFiles: debian/*\nLicense: GPL-3+\n',
      'var/lib/dpkg/status': `${UNUSED}\n${HELLO}\n${REMOVED}\n${BASE}`,
      'var/lib/dpkg/info/hello.list': '/.\n/usr\n/usr/bin\n/usr/bin/hello\n/usr/share/hello\n/usr/share/hello/data\n',
      'var/lib/dpkg/info/hello.md5sums': HELLO_MD5,
      'var/lib/dpkg/info/unused.list': '/.\n/usr/bin\n/usr/bin/unused\n',
      'var/lib/dpkg/info/unused.md5sums': `${'c'.repeat(32)}  usr/bin/unused\n`,
      'var/lib/dpkg/info/base-files.list': '/.\n/etc\n/etc/debian_version\n/etc/os-release\n/usr/lib/os-release\n',
      'var/lib/dpkg/info/base-files.md5sums': `${'d'.repeat(32)}  etc/debian_version\n${'e'.repeat(32)}  usr/lib/os-release\n`,
      'bin/sh': ['#!/bin/sh\n', 0o755],
    },
    { 'etc/os-release': '../usr/lib/os-release' },
  );
}

