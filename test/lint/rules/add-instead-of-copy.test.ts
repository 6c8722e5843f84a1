import { addInsteadOfCopy } from '../../../src/lint/rules/add-instead-of-copy';
import { ruleTester } from '../rule-tester';

const TINI_SHA = 'sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c';

ruleTester(addInsteadOfCopy, {
  valid: [
    { name: 'local tar archive: ADD extracts it', code: 'FROM scratch\nADD rootfs.tar.gz /' },
    'FROM alpine:3.20\nADD app.tgz vendor.tar.zst /opt/',
    { name: 'a compressed file may hold a tar: ADD decides by content', code: 'FROM alpine:3.20\nADD data.gz /data/' },
    { name: 'a glob may match archives', code: 'FROM alpine:3.20\nADD dist/* /app/' },
    { name: 'a variable may name an archive', code: 'FROM alpine:3.20\nARG NAME\nADD dist/${NAME} /app/' },
    { name: 'a variable may be a URL', code: 'FROM alpine:3.20\nARG BASE_URL\nADD ${BASE_URL}/tool /usr/local/bin/tool' },
    { name: 'an archive next to a plain file: COPY alone would not do', code: 'FROM alpine:3.20\nADD vendor.tar.gz config.json /opt/' },
    { name: 'Git URL with a ref', code: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.14.1 /src' },
    { name: 'Git over SSH', code: 'FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src' },
    { name: '--keep-git-dir', code: 'FROM alpine:3.20\nADD --keep-git-dir=true https://github.com/moby/buildkit.git /src' },
    { name: 'heredoc', code: 'FROM alpine:3.20\nADD <<EOF /etc/motd\nhello\nEOF' },
    { name: 'ADD --unpack=true of a URL keeps only the extracted files', code: '# syntax=docker/dockerfile:1.17\nFROM alpine:3.20\nADD --unpack=true https://example.com/tool-1.2.tar.gz /opt/' },
    { name: 'explicit --unpack=false on a local archive is deliberate', code: '# syntax=docker/dockerfile:1.17\nFROM alpine:3.20\nADD --unpack=false vendor.tar.gz /opt/' },
    { name: 'explicit --unpack on a file named otherwise', code: 'FROM alpine:3.20\nADD --unpack bundle.bin /opt/' },
    { name: 'downloads in a build stage are not shipped', code: 'FROM alpine:3.20 AS fetch\nADD https://example.com/tool.tar.gz /tmp/\nRUN tar -xzf /tmp/tool.tar.gz -C /opt\nFROM scratch\nCOPY --from=fetch /opt/tool /tool' },
    { name: 'a single file pinned by --checksum', code: `FROM debian:12-slim\nADD --checksum=${TINI_SHA} https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\nENTRYPOINT ["/tini", "--"]` },
    { name: '--link and --exclude on an archive', code: 'FROM scratch\nADD --link --exclude=*.md rootfs.tar /' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nADD config.json /etc/app/', findings: [{ line: 2, message: /^ADD config\.json: this is not an archive.*COPY does the same/ }] },
    { code: 'FROM alpine:3.20\nADD . /app', findings: [{ line: 2, message: 'ADD .:' }] },
    { name: 'two plain files', code: 'FROM alpine:3.20\nADD a.conf b.conf /etc/', findings: [{ line: 2, message: 'ADD a.conf b.conf: these are' }] },
    { name: '--chown and --link do not make it an archive', code: 'FROM alpine:3.20\nADD --chown=app:app --link src/ /app/src/', findings: [{ line: 2 }] },
    { name: 'JSON form', code: 'FROM alpine:3.20\nADD ["my file.txt", "/srv/"]', findings: [{ line: 2, message: 'my file.txt' }] },
    { name: 'a glob with a plain extension', code: 'FROM alpine:3.20\nADD conf/*.yaml /etc/app/', findings: [{ line: 2 }] },
    { name: 'local sources are reported in build stages too', code: 'FROM golang:1.22 AS build\nADD go.mod /src/\nFROM scratch\nCOPY --from=build /src/go.mod /go.mod', findings: [{ line: 2 }] },
    {
      name: 'remote archive in the final image',
      code: 'FROM debian:12-slim\nADD https://example.com/tool-1.2.tar.gz /tmp/\nRUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt && rm /tmp/tool-1.2.tar.gz',
      findings: [{ line: 2, message: 'downloads an archive into the final image' }],
    },
    { name: 'a checksum does not take the archive out of the layer', code: `FROM debian:12-slim\nADD --checksum=${TINI_SHA} https://example.com/tool.tgz /tmp/`, findings: [{ line: 2, message: 'archive stays' }] },
    { name: 'remote archive with --unpack=false', code: 'FROM debian:12-slim\nADD --unpack=false https://example.com/tool.tar.xz /tmp/', findings: [{ line: 2, message: 'downloads an archive' }] },
    { name: 'remote file without --checksum', code: 'FROM debian:12-slim\nADD https://example.com/bin/tool /usr/local/bin/tool', findings: [{ line: 2, message: 'without --checksum' }] },
    { name: 'remote package', code: 'FROM debian:12-slim\nADD https://example.com/pkg_1.0_amd64.deb /tmp/\nRUN dpkg -i /tmp/pkg_1.0_amd64.deb', findings: [{ line: 2, message: 'package or archive' }] },
    { name: 'inherited from the stage the target is built FROM', code: 'FROM debian:12-slim AS base\nADD https://example.com/tool.zip /opt/\nFROM base\nCMD ["/opt/tool"]', findings: [{ line: 2 }] },
  ],
});
