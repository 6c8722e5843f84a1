/**
 * A build argument or environment variable whose name says it holds a secret. ARG values are recorded in
 * the image history and ENV values in the image config: anyone who can pull the image can read them.
 * A GPG key variable whose value is a key fingerprint is public by design and not reported.
 */
import type { ArgInstruction, EnvInstruction } from '../../dockerfile/ir';
import type { DockerfileLintRule } from '../types';

/** BuildKit's SecretsUsedInArgOrEnv patterns (frontend/dockerfile/dockerfile2llb), so findings agree with `docker build --check`. */
const SECRET_WORD = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const HARMLESS_WORD = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export function looksLikeSecret(name: string): boolean {
  return SECRET_WORD.test(name) && !HARMLESS_WORD.test(name);
}

const GPG_WORD = /(?:_|^)(?:gpg|pgp)(?:_|$)/i;
/** One or more OpenPGP key fingerprints or long key ids: hexadecimal, optionally `0x`-prefixed or grouped by spaces. */
const FINGERPRINTS = /^(?:0x)?[0-9A-F]{4}(?:\s*[0-9A-F]{4}){1,9}(?:\s+(?:0x)?[0-9A-F]{4}(?:\s*[0-9A-F]{4}){1,9})*$/i;

/**
 * A GPG key named by its fingerprint (`ENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305`, as the official
 * language images write it to verify a download): a public identifier, not a secret. BuildKit's
 * SecretsUsedInArgOrEnv still reports it; scratchify does not.
 */
export function isPublicKeyFingerprint(name: string, value: string | undefined): boolean {
  const unquoted = value?.trim().replace(/^(["'])(.*)\1$/s, '$2').trim();
  return GPG_WORD.test(name) && unquoted !== undefined && FINGERPRINTS.test(unquoted);
}

export const secretInArgEnv: DockerfileLintRule = {
  meta: {
    id: 'secret-in-arg-env',
    kind: 'dockerfile',
    category: 'security',
    severity: 'warning',
    description: 'An ARG or ENV name suggests it carries a secret (password, token, key…).',
    rationale:
      'ARG values end up in the image history and ENV values in the image config, in every stage that uses them; ' +
      'anyone who can pull the image can read them. Build secrets belong in `RUN --mount=type=secret`.',
    fix: 'Pass the secret with `docker build --secret id=NAME` and read it in `RUN --mount=type=secret,id=NAME`; give run-time secrets to the container, not the image.',
    related: { buildkit: 'SecretsUsedInArgOrEnv', hadolint: ['DL3064'] },
    example: { bad: 'ARG NPM_TOKEN', good: 'RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci' },
  },
  check(context) {
    const { dockerfile } = context;
    const instructions = [...dockerfile.globalArgs, ...dockerfile.stages.flatMap((stage) => stage.instructions)];
    for (const instruction of instructions) {
      if (instruction.keyword === 'ARG') {
        for (const { name, defaultValue } of (instruction as ArgInstruction).args) {
          if (looksLikeSecret(name) && !isPublicKeyFingerprint(name, defaultValue)) context.report({ instruction, near: name, message: `ARG ${name} looks like a secret; build arguments are stored in the image history`, data: { name } });
        }
      } else if (instruction.keyword === 'ENV') {
        for (const { key, value } of (instruction as EnvInstruction).pairs) {
          if (looksLikeSecret(key) && !isPublicKeyFingerprint(key, value)) context.report({ instruction, near: key, message: `ENV ${key} looks like a secret; environment variables are stored in the image config`, data: { name: key } });
        }
      }
    }
  },
};
