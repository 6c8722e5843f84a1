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
  valid: ['FROM debian:12\nARG VERSION=1\nENV PATH=/x:$PATH PUBLIC_KEY=abc', 'ARG BASE=debian:12\nFROM $BASE\nENV SSL_CERT_FILE=/etc/ssl/cert.pem'],
  invalid: [
    { code: 'ARG NPM_TOKEN\nFROM node:20\nRUN echo', findings: [{ line: 1, message: 'ARG NPM_TOKEN' }] },
    { code: 'FROM debian:12\nENV A=1 DB_PASSWORD=hunter2\nARG x=1 API_KEY', findings: [{ line: 2, message: 'ENV DB_PASSWORD' }, { line: 3, message: 'ARG API_KEY' }] },
  ],
});
