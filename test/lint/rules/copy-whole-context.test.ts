import { copyWholeContext } from '../../../src/lint/rules/copy-whole-context';
import { isWholeContextSource } from '../../../src/lint/rules/support/context-copies';
import { ruleTester } from '../rule-tester';

describe('isWholeContextSource', () => {
  it.each(['.', './', '/', '*', './*', '/*', '**', '"."', './.'])('%s is the whole context', (source) => {
    expect(isWholeContextSource(source)).toBe(true);
  });
  it.each(['src', './src/', '*.go', '.*', '<<EOF', '$SRC', '${SRC}', '', 'package*.json'])('%s is not', (source) => {
    expect(isWholeContextSource(source)).toBe(false);
  });
});

ruleTester(copyWholeContext, {
  valid: [
    { name: 'a build stage may copy the whole context', code: 'FROM golang:1.22 AS build\nCOPY . /src\nRUN go build -o /app ./cmd\nFROM scratch\nCOPY --from=build /app /app' },
    'FROM node:20-slim\nCOPY package.json server.js /app/',
    { name: 'COPY --from a stage is not the context', code: 'FROM alpine:3.20 AS assets\nRUN mkdir /out\nFROM nginx:1.27\nCOPY --from=assets / /usr/share/nginx/html' },
    { name: '--exclude: the author chose what stays out', code: 'FROM node:20-slim\nCOPY --exclude=.git --exclude=test . /app' },
    { name: 'heredoc', code: 'FROM alpine:3.20\nCOPY <<EOF /app/config.ini\n[server]\nport = 80\nEOF' },
    { name: '--link --parents with a narrower glob', code: '# syntax=docker/dockerfile:1.7-labs\nFROM alpine:3.20\nCOPY --link --parents ./cmd/*/main.go /src/' },
    { name: 'a variable source is not judged', code: 'FROM alpine:3.20\nARG SRC\nCOPY ${SRC} /app' },
    { name: 'RUN --mount=type=bind of the context adds nothing to a layer', code: 'FROM golang:1.22\nRUN --mount=type=bind,target=/src,rw go build -C /src -o /app' },
    { name: 'a stage the target does not build', code: 'FROM alpine:3.20 AS dev\nCOPY . /app\nFROM alpine:3.20\nCOPY app /app' },
    { name: 'another target', code: 'FROM alpine:3.20 AS release\nCOPY app /app\nFROM release AS dev\nCOPY . /src', target: 'release' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]', findings: [{ line: 3, message: 'COPY . copies the whole build context into the final image' }] },
    { code: 'FROM python:3.12-slim\nADD ./ /app', findings: [{ line: 2, message: /^ADD \.\/ .*\.git/ }] },
    { name: '--link and --chown do not change what is copied', code: 'FROM nginx:1.27\nCOPY --link --chown=101:101 ./* /usr/share/nginx/html/', findings: [{ line: 2, message: 'COPY ./*' }] },
    { name: 'JSON form', code: 'FROM alpine:3.20\nCOPY [".", "/srv"]', findings: [{ line: 2 }] },
    { name: 'continued over several lines', code: 'FROM alpine:3.20\nCOPY --chown=1000:1000 \\\n  . \\\n  /app', findings: [{ line: 2 }] },
    { name: 'inherited from the stage the target is built FROM', code: 'FROM python:3.12 AS base\nCOPY . /app\nFROM base\nCMD ["python", "/app/main.py"]', findings: [{ line: 2 }] },
    { name: 'the stage --target selects', code: 'FROM alpine:3.20 AS release\nCOPY app /app\nFROM release AS dev\nCOPY . /src\nFROM release', target: 'dev', findings: [{ line: 4 }] },
  ],
});
