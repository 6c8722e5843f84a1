/**
 * TLS trust store and OpenSSL run-time files (runtime-deps.md §3.7).
 *
 * The CA bundle is kept, not the hashed `/etc/ssl/certs/<hash>.0` links: OpenSSL's default verify paths are
 * `OPENSSLDIR/cert.pem` (Debian: a link to the bundle) *and* the hashed directory, and either is enough;
 * Go reads the first bundle that exists (`crypto/x509/root_linux.go`); GnuTLS and NSS on Debian are built
 * against the same bundle. The hundreds of per-certificate links would triple the size for nothing.
 */
import type { AnalysisContext } from '../types';

/** Bundle locations, in Go's `root_linux.go` order (Debian/Ubuntu/Alpine first, then Fedora/RHEL, SUSE, …). */
export const CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
] as const;

/** Keeps every CA bundle the image has (and `SSL_CERT_FILE` when set); warns when there is none. */
export function keepCaBundle(context: AnalysisContext, by: string, detail: string): void {
  const fromEnv = context.env.get('SSL_CERT_FILE');
  const candidates = fromEnv ? [fromEnv, ...CA_BUNDLES] : [...CA_BUNDLES];
  let found = false;
  for (const path of candidates) {
    if (context.keep(path, { rule: 'ca-bundle', by, detail }) !== undefined) found = true;
  }
  if (!found) context.warn(`${by}: ${detail}, but the image has no CA bundle (${CA_BUNDLES[0]}); TLS peers will not verify`);
}

/** The directories OpenSSL was built with, from its `OpenSSL_version(OPENSSL_DIR/ENGINES_DIR/MODULES_DIR)` strings. */
export interface OpenSslDirs {
  openssldir?: string;
  enginesdir?: string;
  modulesdir?: string;
}

/** Reads `OPENSSLDIR: "…"`, `ENGINESDIR: "…"`, `MODULESDIR: "…"` from libcrypto's content. */
export function openSslDirs(content: Buffer): OpenSslDirs {
  const text = content.toString('latin1');
  const field = (name: string): string | undefined => {
    const match = new RegExp(`${name}: "(/[^"\\0]*)"`).exec(text);
    return match ? match[1] : undefined;
  };
  return { openssldir: field('OPENSSLDIR'), enginesdir: field('ENGINESDIR'), modulesdir: field('MODULESDIR') };
}

/**
 * Keeps what libcrypto opens by path: `OPENSSLDIR/openssl.cnf` (read by OPENSSL_init_crypto when no
 * OPENSSL_CONF is set), the `cert.pem`/`certs` links that point at the trust store, the provider modules
 * (`legacy.so`, loaded on request from MODULESDIR) and the engines.
 */
export function keepOpenSslFiles(context: AnalysisContext, libcrypto: string, content: Buffer): void {
  const dirs = openSslDirs(content);
  const by = libcrypto;
  const confFromEnv = context.env.get('OPENSSL_CONF');
  if (confFromEnv) context.keep(confFromEnv, { rule: 'openssl-config', by, detail: `OPENSSL_CONF=${confFromEnv}` });
  if (dirs.openssldir) {
    context.keep(`${dirs.openssldir}/openssl.cnf`, { rule: 'openssl-config', by, detail: `default config in OPENSSLDIR ${dirs.openssldir}` });
    context.keep(`${dirs.openssldir}/cert.pem`, { rule: 'ca-bundle', by, detail: `default CA file in OPENSSLDIR ${dirs.openssldir}` });
    // The directory link only: its hashed contents are covered by the bundle (see the file comment).
    context.keep(`${dirs.openssldir}/certs`, { rule: 'ca-bundle', by, detail: `default CA directory in OPENSSLDIR ${dirs.openssldir}` });
  }
  const modules = context.env.get('OPENSSL_MODULES') ?? dirs.modulesdir;
  if (modules) context.keepTree(modules, { rule: 'openssl-module', by, detail: `provider modules directory ${modules}` });
  const engines = context.env.get('OPENSSL_ENGINES') ?? dirs.enginesdir;
  if (engines) context.keepTree(engines, { rule: 'openssl-engine', by, detail: `engines directory ${engines}` });
}
