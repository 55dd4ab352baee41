/**
 * Certificates for the test registries, made with the `openssl` command line.
 * Node's crypto can sign but cannot issue X.509 certificates, and the task allows no npm package,
 * so openssl (always present on Debian) issues them.
 * TLS certificates use P-256 keys because they are generated in milliseconds; the token signer
 * needs RSA because the registry is configured for RS256 tokens.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error('`openssl` is not on PATH; the TLS and token registries need it (apt-get install -y openssl).');
    }
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`);
  }
}

export interface TlsFiles {
  /** PEM of the self-signed CA; clients trust the registry through this file only. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Writes a fresh CA and a server certificate it signed into dir.
 * The server certificate names IP:127.0.0.1 (and DNS:localhost) in subjectAltName, because clients
 * check the IP address against the SAN, never against the common name.
 */
export function createTlsFiles(dir: string): TlsFiles {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=image-aware test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n'),
  );
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'],
    dir,
  );
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') };
}

export interface SigningFiles {
  /** PEM of the self-signed signing certificate: the registry's `auth.token.rootcertbundle`. */
  readonly certFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Writes a self-signed RSA certificate for signing RS256 registry tokens into dir. */
export function createSigningFiles(dir: string): SigningFiles {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token.key', '-out', 'token.pem', '-days', '2', '-subj', '/CN=image-aware test token signer'],
    dir,
  );
  return {
    certFile: join(dir, 'token.pem'),
    certPem: readFileSync(join(dir, 'token.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'token.key'), 'utf8'),
  };
}
