import { packageCacheNotCleaned } from '../../../src/lint/rules/package-cache-not-cleaned';
import { ruleTester } from '../rule-tester';

ruleTester(packageCacheNotCleaned, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    { name: 'apt distclean empties the lists', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get distclean' },
    { name: 'install without update writes no lists', code: 'FROM debian:12\nRUN apt-get install -y curl' },
    { name: 'apt lists on a cache mount', code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl' },
    { name: 'apt state on a tmpfs', code: 'FROM debian:12\nRUN --mount=type=tmpfs,target=/var/lib/apt apt-get update && apt-get install -y curl' },
    'FROM alpine:3.20\nRUN apk add --no-cache curl',
    { name: 'apk update then rm of the cache', code: 'FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*' },
    { name: 'apk cache mount', code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl' },
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask',
    { name: 'PIP_NO_CACHE_DIR in ENV', code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install flask' },
    { name: 'PIP_NO_CACHE_DIR as an ARG default', code: 'FROM python:3.12-slim\nARG PIP_NO_CACHE_DIR=true\nRUN pip install flask' },
    { name: 'PIP_NO_CACHE_DIR exported in the RUN', code: 'FROM python:3.12-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip3 install flask' },
    { name: 'pip cache mount', code: 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt' },
    { name: 'pip cache purged', code: 'FROM python:3.12-slim\nRUN pip install flask && pip cache purge' },
    { name: 'rm of the home cache', code: 'FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache' },
    'FROM node:20-slim\nRUN npm ci --omit=dev && npm cache clean --force',
    { name: 'npm cache mount', code: 'FROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci' },
    { name: 'npm ci in a build stage is fine', code: 'FROM node:20 AS build\nRUN npm ci && npm run build\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app' },
    'FROM node:20-slim\nRUN yarn install --frozen-lockfile && yarn cache clean',
    // Issue 17: the official node image ends its yarn install with a smoke test; `yarn --version` installs nothing.
    { name: 'yarn --version smoke test', code: 'FROM node:20-bookworm-slim\nRUN set -ex \\\n  && ln -s /opt/yarn-v$YARN_VERSION/bin/yarn /usr/local/bin/yarn \\\n  && yarn --version \\\n  && rm -rf /tmp/*' },
    // Issue 17: `apk add --no-network` installs from packages already on disk, downloading no index.
    { name: 'apk add --no-network', code: 'FROM alpine:3.20\nCOPY packages/ /packages/\nRUN apk add --no-network --allow-untrusted /packages/*.apk' },
    'FROM fedora:40\nRUN dnf install -y gcc && dnf clean all',
    'FROM rockylinux:9\nRUN yum -y install httpd && yum clean all && rm -rf /var/cache/yum',
    'FROM opensuse/leap:15\nRUN zypper -n install curl && zypper clean --all',
    {
      name: 'BuildKit syntax: heredoc with cleanup, --link and --exclude copies',
      code: 'FROM debian:12\nCOPY --link --exclude=*.md . /src\nRUN <<EOT\nset -e\napt-get update\napt-get install -y --no-install-recommends ca-certificates\nrm -rf /var/lib/apt/lists/*\nEOT',
    },
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl', findings: [{ line: 2, message: '`apt-get update` leaves the apt package lists (/var/lib/apt/lists)' }] },
    { name: 'cleanup before the update does not count', code: 'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl', findings: [{ line: 2, message: 'apt package lists' }] },
    { name: 'apt-get clean leaves the lists', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean', findings: [{ line: 2, message: 'apt package lists' }] },
    { name: 'cache mount on another directory', code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl', findings: [{ line: 2 }] },
    { code: 'FROM alpine:3.20\nRUN apk add --update curl', findings: [{ line: 2, message: '`apk add` leaves the apk index cache (/var/cache/apk)' }] },
    { code: 'FROM python:3.12-slim\nRUN pip install flask', findings: [{ line: 2, message: '`pip install` leaves the pip cache (~/.cache/pip)' }] },
    { name: 'PIP_NO_CACHE_DIR=0 keeps the cache', code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=0\nRUN python -m pip install flask', findings: [{ line: 3, message: '`python -m pip install` leaves the pip cache' }] },
    { code: 'FROM node:20-slim\nWORKDIR /app\nRUN npm ci --omit=dev', findings: [{ line: 3, message: '`npm ci` leaves the npm cache (~/.npm)' }] },
    { name: 'npm cache clean needs --force', code: 'FROM node:20-slim\nRUN npm install -g serve && npm cache clean', findings: [{ line: 2, message: 'npm cache' }] },
    { code: 'FROM node:20-slim\nRUN yarn install --frozen-lockfile', findings: [{ line: 2, message: 'yarn cache' }] },
    { name: 'bare yarn with options installs', code: 'FROM node:20-slim\nRUN yarn --version && yarn --frozen-lockfile', findings: [{ line: 2, message: '`yarn` leaves the yarn cache' }] },
    { code: 'FROM rockylinux:9\nRUN yum -y install httpd', findings: [{ line: 2, message: '`yum install` leaves the yum metadata and package cache (/var/cache/yum)' }] },
    { code: 'FROM fedora:40\nRUN dnf -y install gcc', findings: [{ line: 2, message: 'dnf metadata' }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper --non-interactive install curl', findings: [{ line: 2, message: 'zypper cache' }] },
    {
      name: 'one finding per manager and RUN, in a heredoc',
      code: 'FROM python:3.12\nRUN <<EOT\napt-get update\napt-get install -y libpq5\npip install psycopg\nEOT',
      findings: [{ line: 3, message: 'apt package lists' }, { line: 5, message: 'pip cache' }],
    },
    { name: 'a parent stage of the final one', code: 'FROM debian:12 AS base\nRUN apt-get update\nFROM base\nCMD ["bash"]', findings: [{ line: 2 }] },
  ],
});
