import { baseImageTag } from '../../../src/lint/rules/base-image-tag';
import { parseImageReference, unpinnedTag } from '../../../src/lint/rules/support/image-reference';
import { ruleTester } from '../rule-tester';

const DIGEST = 'sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1';

describe('image references', () => {
  it.each([
    ['debian', { repository: 'debian', path: 'debian', name: 'debian' }],
    ['debian:12-slim', { repository: 'debian', path: 'debian', name: 'debian', tag: '12-slim' }],
    ['localhost:5000/app', { repository: 'localhost:5000/app', registry: 'localhost:5000', path: 'app', name: 'app' }],
    ['registry.example.com:5000/team/app:1.2', { repository: 'registry.example.com:5000/team/app', registry: 'registry.example.com:5000', path: 'team/app', name: 'app', tag: '1.2' }],
    [`alpine@${DIGEST}`, { repository: 'alpine', path: 'alpine', name: 'alpine', digest: DIGEST }],
    [`alpine:3.20@${DIGEST}`, { repository: 'alpine', path: 'alpine', name: 'alpine', tag: '3.20', digest: DIGEST }],
  ])('%s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it('a digest pins whatever the tag says', () => {
    expect(unpinnedTag(`alpine:latest@${DIGEST}`)).toBeUndefined();
    expect(unpinnedTag('localhost:5000/app')).toBe('no tag');
    expect(unpinnedTag('app:latest')).toBe('latest');
  });
});

ruleTester(baseImageTag, {
  valid: [
    'FROM debian:12-slim',
    'FROM scratch\nCOPY app /app',
    { name: 'digest-pinned', code: `FROM alpine@${DIGEST}` },
    { name: 'registry with a port and a tag', code: 'FROM localhost:5000/team/app:1.2' },
    { name: 'a stage name is not an image', code: 'FROM golang:1.22 AS build\nFROM build\nRUN true' },
    { name: 'stage names are case-insensitive', code: 'FROM golang:1.22 AS Build\nFROM build' },
    { name: 'COPY --from a stage or index', code: 'FROM alpine:3.20 AS assets\nFROM scratch\nCOPY --from=assets /etc/hosts /a\nCOPY --from=0 /etc/hosts /b' },
    { name: 'ARG default with a version', code: 'ARG VERSION=12\nFROM debian:${VERSION}' },
    { name: 'ARG without a default comes from --build-arg', code: 'ARG VERSION\nFROM debian:${VERSION}' },
    { name: 'an ARG without a default is not judged, even when --build-arg sets it', code: 'ARG BASE\nFROM $BASE', buildArgs: { BASE: 'node' } },
    { name: 'stages the target does not need are not pulled', code: 'FROM node AS tools\nFROM alpine:3.20 AS release\nCOPY app /app', target: 'release' },
    { name: 'platform ARGs', code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /etc/hosts /h' },
    // `docker buildx bake` names build contexts (`contexts = { binaries = "target:binaries" }`); BuildKit resolves
    // them before pulling an image of that name (issue 17).
    { name: 'COPY --from a named build context', code: 'FROM alpine:3.20\nCOPY --from=binaries / /usr/local/bin/\nRUN --mount=from=gomodcache,target=/go/pkg/mod ls' },
    { name: 'mounts and COPY --from of pinned images, --link', code: 'FROM alpine:3.20\nRUN --mount=type=bind,from=busybox:1.36,source=/bin,target=/bb ls /bb\nCOPY --link --from=nginx:1.27 /etc/nginx /etc/nginx' },
  ],
  invalid: [
    { code: 'FROM debian', findings: [{ line: 1, message: 'FROM debian: debian has no tag, so Docker pulls debian:latest' }] },
    { code: 'FROM node:latest\nCMD ["node"]', findings: [{ line: 1, message: 'node:latest uses the latest tag' }] },
    { code: 'FROM localhost:5000/app', findings: [{ line: 1, message: 'no tag' }] },
    { name: 'ARG default is latest', code: 'ARG VERSION=latest\nFROM debian:${VERSION}', findings: [{ line: 2, message: 'FROM debian:${VERSION} (debian:latest)' }] },
    { name: 'build stages the target needs', code: 'FROM golang AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app', findings: [{ line: 1, message: 'golang has no tag' }] },
    { name: 'COPY --from an image', code: 'FROM alpine:3.20\nCOPY --from=nginx /etc/nginx/nginx.conf /etc/nginx/', findings: [{ line: 2, message: 'COPY --from=nginx: nginx has no tag' }] },
    { name: 'RUN --mount=from an image', code: 'FROM alpine:3.20\nRUN --mount=type=bind,from=busybox:latest,source=/bin,target=/bb ls /bb', findings: [{ line: 2, message: 'RUN --mount=from=busybox:latest' }] },
    { name: 'FROM continued over lines: points at the image', code: 'FROM --platform=linux/amd64 \\\n  python AS app', findings: [{ line: 2 }] },
  ],
});
