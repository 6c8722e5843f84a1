import { looksLikeSecret, secretInArgEnv } from '../../../src/lint/rules/secret-in-arg-env';
import { ruleTester } from '../rule-tester';

describe('looksLikeSecret (BuildKit SecretsUsedInArgOrEnv)', () => {
  it.each(['GITHUB_TOKEN', 'password', 'AWS_SECRET_ACCESS_KEY', 'API_KEY', 'db_passwd', 'auth'])('%s is a secret', (name) => {
    expect(looksLikeSecret(name)).toBe(true);
  });
  it.each(['PUBLIC_KEY', 'KEY_FILE', 'TOKEN_VERSION', 'KEYBOARD', 'MONKEY', 'PATH', 'GPG_KEYS'])('%s is not', (name) => {
    expect(looksLikeSecret(name)).toBe(false);
  });
});

ruleTester(secretInArgEnv, {
  valid: [
    'FROM debian:12\nARG VERSION=1\nENV PATH=/x:$PATH PUBLIC_KEY=abc',
    'ARG BASE=debian:12\nFROM $BASE\nENV SSL_CERT_FILE=/etc/ssl/cert.pem',
    // The official Python images verify the source tarball against this public key fingerprint (issue 17).
    { name: 'ENV GPG_KEY <fingerprint>, legacy form', code: 'FROM buildpack-deps:bookworm\nENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305\nENV PYTHON_VERSION 3.12.4' },
    { name: 'a quoted fingerprint in key=value form, and 0x key ids', code: 'FROM debian:12\nENV GPG_KEY="A035 C8C1 9219 BA82 1ECE  A86B 64E6 28F8 D684 696D"\nARG PGP_KEY=0x8F3B8C432F4393BD' },
  ],
  invalid: [
    { code: 'ARG NPM_TOKEN\nFROM node:20\nRUN echo', findings: [{ line: 1, message: 'ARG NPM_TOKEN' }] },
    { code: 'FROM debian:12\nENV A=1 DB_PASSWORD=hunter2\nARG x=1 API_KEY', findings: [{ line: 2, message: 'ENV DB_PASSWORD' }, { line: 3, message: 'ARG API_KEY' }] },
    { name: 'a GPG key given at build time may be the private key', code: 'FROM debian:12\nARG GPG_KEY\nENV SIGNING_GPG_KEY=$GPG_KEY', findings: [{ line: 2, message: 'ARG GPG_KEY' }, { line: 3, message: 'ENV SIGNING_GPG_KEY' }] },
  ],
});
