import { finalStageDistribution } from '../../../src/lint/rules/final-stage-distribution';
import { ruleTester } from '../rule-tester';

ruleTester(finalStageDistribution, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app',
    'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app',
    'FROM cgr.dev/chainguard/static:latest\nCOPY app /app',
    'FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled\nCOPY app /app',
    { name: 'busybox is not judged (no package manager)', code: 'FROM busybox:1.36\nCOPY app /app' },
    { name: 'unknown private base', code: 'FROM registry.example.com/team/base:3\nCOPY app /app' },
    { name: 'only the target counts', code: 'FROM debian:12 AS tools\nRUN true\nFROM scratch AS final\nCOPY --from=tools /bin/true /true\nFROM debian:12 AS unused', target: 'final' },
    {
      name: 'BuildKit syntax: heredoc COPY, --link, --exclude onto scratch',
      code: '# syntax=docker/dockerfile:1.7-labs\nFROM debian:12 AS build\nRUN --mount=type=cache,target=/var/cache/apt <<EOT\napt-get update\nEOT\nFROM scratch\nCOPY --link --from=build /etc/os-release /os-release\nCOPY --exclude=*.md . /\nCOPY <<EOT /etc/app.toml\nx = 1\nEOT',
    },
  ],
  invalid: [
    { code: 'FROM debian:bookworm\nCOPY app /app\nCMD ["/app"]', findings: [{ line: 1, message: 'built on debian:bookworm, a full Linux distribution' }] },
    { code: 'FROM debian:bookworm-slim\nCOPY app /app\nCMD ["/app"]', findings: [{ line: 1, message: 'a slimmed Linux distribution' }] },
    { code: 'FROM alpine:3.20\nCOPY app /app\nENTRYPOINT ["/app"]', findings: [{ line: 1, message: '`scratchify slim` can check which files it needs' }] },
    { code: 'FROM python:3.12-slim-bookworm\nCOPY app.py /', findings: [{ line: 1, message: 'a language or server image on a slimmed distribution' }] },
    { code: 'FROM docker.io/library/nginx:1.27\nCOPY html /usr/share/nginx/html', findings: [{ line: 1, message: 'language or server image on a full distribution' }] },
    { code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nCOPY app /app\nCMD ["/app"]', findings: [{ line: 1, message: 'ubi9/ubi-minimal' }] },
    {
      name: 'the lineage root, through stages',
      code: 'ARG BASE=ubuntu:24.04\nFROM ${BASE} AS base\nRUN useradd app\nFROM base AS runtime\nCOPY app /app\nFROM runtime\nUSER app\nCMD ["/app"]',
      findings: [{ line: 2, message: 'built on ubuntu:24.04 (via stage base)' }],
    },
  ],
});
