/**
 * What a kept file tells about the files a process will open at run time without any ELF header saying so:
 * which C library it is (glibc reads NSS, gconv and locale files; musl reads /etc/passwd and /etc/services
 * directly), whether it is a Go program (the Go runtime reads certificates, zoneinfo and the network files
 * itself) and which packages it links in, whether it is a TLS library, and whether it is a language runtime
 * that verifies TLS peers with the system trust store. Everything is decided from names and strings in the
 * file, never by running it (runtime-deps.md §3).
 */
import { posix } from 'node:path';
import { hasElfMagic } from '../elf';

/** Go packages whose presence changes which files a Go program reads (runtime-deps.md §3.12). */
export interface GoImports {
  /** `crypto/x509`: the system roots of `root_linux.go`. */
  x509: boolean;
  /** Pure-Go `os/user` reads /etc/passwd and /etc/group. */
  user: boolean;
  /** `net`: /etc/nsswitch.conf, /etc/services, /etc/protocols, /etc/hosts, /etc/resolv.conf. */
  net: boolean;
  /** `time.LoadLocation` reads the zoneinfo database by name. */
  loadLocation: boolean;
  /** `time/tzdata` embeds the database: no zoneinfo files needed for LoadLocation. */
  embeddedTzdata: boolean;
}

/** The traits of one kept regular file that the system-file rules react to. */
export interface ProgramTraits {
  /** glibc's `libc.so.6`, with its `2.NN` release when the version string is there. */
  glibc?: { minor?: number };
  /** musl's dynamic loader / libc (`ld-musl-ARCH.so.1`, `libc.musl-ARCH.so.1`). */
  musl: boolean;
  /** A Go program (its `\xff Go buildinf:` build-info header is in the file). */
  go?: GoImports;
  /** A TLS library whose peers are verified against the system trust store. */
  tlsLibrary?: 'openssl' | 'gnutls' | 'nss';
  /** OpenSSL's libcrypto: config, providers and engines are loaded by path. */
  libcrypto: boolean;
  /** A runtime whose TLS stack verifies peers with the system CA bundle. */
  runtime?: 'python' | 'node' | 'java';
  /** An ELF other than libc that imports `iconv_open` (glibc then loads gconv modules). */
  iconv: boolean;
  /** The file is an ELF object. */
  elf: boolean;
}

const GO_BUILDINFO = Buffer.from('\xff Go buildinf:', 'latin1');
const GLIBC_RELEASE = /(?:GNU C Library|GLIBC)[^\n\0]*?release version 2\.(\d+)/;
const ICONV_SYMBOL = Buffer.from('\0iconv_open\0', 'latin1');

function runtimeOf(name: string): ProgramTraits['runtime'] {
  if (/^python\d+(\.\d+)?$/.test(name) || /^libpython\d+\.\d+/.test(name)) return 'python';
  if (name === 'node' || /^libnode\.so/.test(name)) return 'node';
  if (name === 'java' || name === 'libjvm.so') return 'java';
  return undefined;
}

function tlsLibraryOf(name: string): ProgramTraits['tlsLibrary'] {
  if (/^libssl\.so/.test(name)) return 'openssl';
  if (/^libgnutls\.so/.test(name)) return 'gnutls';
  if (/^libnss3\.so/.test(name)) return 'nss';
  return undefined;
}

/** Classifies a kept file from its real path and content. */
export function programTraits(path: string, content: Buffer): ProgramTraits {
  const name = posix.basename(path);
  const elf = hasElfMagic(content);
  const traits: ProgramTraits = { musl: false, libcrypto: false, iconv: false, elf };
  if (!elf) return traits;
  if (name === 'libc.so.6') {
    // The version banner is in libc.so.6 (`__libc_print_version`); ld.so carries one too (runtime-deps.md §1.10).
    const match = GLIBC_RELEASE.exec(content.toString('latin1'));
    traits.glibc = match ? { minor: Number(match[1]) } : {};
    return traits;
  }
  if (/^ld-musl-.*\.so\.1$/.test(name) || /^libc\.musl-.*\.so\.1$/.test(name)) {
    traits.musl = true;
    return traits;
  }
  traits.tlsLibrary = tlsLibraryOf(name);
  traits.libcrypto = /^libcrypto\.so/.test(name);
  traits.runtime = runtimeOf(name);
  traits.iconv = content.includes(ICONV_SYMBOL);
  if (content.includes(GO_BUILDINFO)) {
    // Package paths appear in the symbol and pclntab function names (`crypto/x509.(*CertPool).AddCert`),
    // which stay even in stripped binaries because the runtime needs them for tracebacks.
    traits.go = {
      x509: content.includes('crypto/x509.'),
      user: content.includes('os/user.'),
      net: content.includes('net.(*Resolver)') || content.includes('/etc/nsswitch.conf'),
      loadLocation: content.includes('time.LoadLocation'),
      embeddedTzdata: content.includes('time/tzdata.'),
    };
  }
  return traits;
}
