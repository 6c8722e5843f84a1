import { cleanupInSeparateLayer } from '../../../src/lint/rules/cleanup-in-separate-layer';
import { ruleTester } from '../rule-tester';

ruleTester(cleanupInSeparateLayer, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
    { name: 'a base-image file: no layer of this Dockerfile can shrink it', code: 'FROM nginx:1.27\nRUN rm /etc/nginx/conf.d/default.conf' },
    { name: 'lists already cleaned where written', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*' },
    { name: 'the same RUN writes again before deleting', code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*' },
    { name: 'downloaded and deleted in one RUN', code: 'FROM debian:12\nRUN curl -fsSLo /tmp/app.tgz https://x/app.tgz && tar -xzf /tmp/app.tgz -C /opt && rm /tmp/app.tgz' },
    { name: 'ADD unpacks a local archive: the archive is not in the image', code: 'FROM debian:12\nADD app.tar.gz /opt/\nRUN rm -rf /opt/app.tar.gz' },
    { name: 'inside a directory copy: not known to be in the context', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN rm -rf node_modules/.cache' },
    { name: 'build stages are not the image', code: 'FROM debian:12 AS build\nCOPY src.tgz /tmp/\nRUN tar -xzf /tmp/src.tgz && rm /tmp/src.tgz\nFROM scratch\nCOPY --from=build /out /out' },
    { name: 'a relative path after cd is not resolved', code: 'FROM debian:12\nWORKDIR /w\nCOPY x.tgz .\nRUN cd /opt && rm x.tgz' },
    {
      name: 'BuildKit syntax: a bind mount instead of ADD, a heredoc, --link',
      code: 'FROM debian:12\nCOPY --link --exclude=*.md . /src\nRUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz <<EOT\ntar -xzf /tmp/app.tar.gz -C /opt\nEOT',
    },
  ],
  invalid: [
    {
      code: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\nRUN rm -rf /var/lib/apt/lists/*',
      findings: [{ line: 3, message: 'the apt package lists (/var/lib/apt/lists) (written by `apt-get update` at line 2)' }],
    },
    {
      name: 'ADD of a URL, unpacked and deleted later',
      code: 'FROM debian:12\nADD https://example.com/app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      findings: [{ line: 3, message: '/tmp/app.tar.gz (written by ADD at line 2)' }],
    },
    { name: 'COPY then rm of the file, relative to WORKDIR', code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt && rm requirements.txt', findings: [{ line: 4, message: '/app/requirements.txt (written by COPY at line 3)' }] },
    { name: 'a glob over the copied file', code: 'FROM debian:12\nCOPY dist/app.deb /tmp/app.deb\nRUN dpkg -i /tmp/app.deb\nRUN rm -f /tmp/*.deb', findings: [{ line: 4, message: 'COPY at line 2' }] },
    { name: 'download in one RUN, delete in the next', code: 'FROM debian:12\nRUN wget -O /tmp/jdk.tgz https://x/jdk.tgz\nRUN tar -xzf /tmp/jdk.tgz -C /opt && rm -f /tmp/jdk.tgz', findings: [{ line: 3, message: '/tmp/jdk.tgz (written by `wget` in the RUN at line 2)' }] },
    { name: 'git clone then rm -rf', code: 'FROM debian:12\nWORKDIR /src\nRUN git clone --depth 1 https://github.com/x/tool.git\nRUN make -C tool && rm -rf /src/tool', findings: [{ line: 4, message: '/src/tool' }] },
    { name: 'packages purged in a later RUN', code: 'FROM debian:12\nRUN apt-get install -y gcc make\nCOPY . /src\nRUN make -C /src && apt-get purge -y gcc', findings: [{ line: 4, message: 'package gcc (written by the install at line 2)' }] },
    { name: 'apk virtual group deleted in a later RUN', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc\nRUN apk del .build-deps', findings: [{ line: 3, message: 'package .build-deps' }] },
    { name: 'yum clean all in its own RUN', code: 'FROM rockylinux:9\nRUN yum -y install httpd\nRUN yum clean all', findings: [{ line: 3, message: 'the yum metadata and package cache (written by `yum install` at line 2)' }] },
    {
      name: 'in a heredoc, in a stage the final one builds on',
      code: 'FROM python:3.12-slim AS base\nRUN pip install flask\nFROM base\nRUN <<EOT\nrm -rf /root/.cache/pip\nEOT',
      findings: [{ line: 5, message: 'the pip cache (~/.cache/pip)' }],
    },
  ],
});
