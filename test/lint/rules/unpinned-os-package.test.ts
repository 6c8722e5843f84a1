import { unpinnedOsPackage } from '../../../src/lint/rules/unpinned-os-package';
import { ruleTester } from '../rule-tester';

ruleTester(unpinnedOsPackage, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*',
    'FROM alpine:3.20\nRUN apk add --no-cache git=2.45.2-r0 curl~8.9',
    'FROM rockylinux:9\nRUN dnf install -y httpd-2.4.57 && dnf clean all',
    { name: 'local package files and variables are not judged', code: 'FROM debian:12\nCOPY app.deb /tmp/\nRUN apt-get install -y /tmp/app.deb "$EXTRA" && apk add ./x.apk' },
    { name: 'a whole upgrade names no package', code: 'FROM debian:12\nRUN apt-get upgrade -y' },
    { name: 'stages the target does not build are not judged', code: 'FROM debian:12 AS tools\nRUN apt-get install -y vim\nFROM debian:12\nRUN true', target: '1' },
  ],
  invalid: [
    // Issue 17's most common miss (88 of 253 files): apt-get install of names only.
    { code: 'FROM debian:bookworm-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends ca-certificates curl=7.88.1-10+deb12u5 netbase \\\n && rm -rf /var/lib/apt/lists/*', findings: [{ line: 3, message: 'installs ca-certificates, netbase without a version' }] },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache bash tini', findings: [{ line: 2, message: '`apk add` installs bash, tini' }] },
    { name: 'in a build stage too', code: 'FROM golang:1.22 AS build\nRUN apt-get update && apt-get install -y libpcap-dev\nFROM scratch\nCOPY --from=build /go/bin/app /app', findings: [{ line: 2, message: 'libpcap-dev' }] },
    { code: 'FROM fedora:40\nRUN dnf install -y httpd mod_ssl', findings: [{ line: 2, message: '`dnf install` installs httpd, mod_ssl' }] },
  ],
});
