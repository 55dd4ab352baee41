/**
 * Keyless verification, the part of the verifier that needs the Sigstore libraries: verifier.ts loads it with
 * require() on the first Sigstore bundle it has to verify, so that a language server whose workspace trusts no
 * keyless signer, or meets no bundle, never loads them (about 10 MB; the server's memory is budgeted,
 * docs/performance.md). Nothing else may import these files, or the bundler would load them at start.
 */
export { verifySigstoreBundle } from './sigstoreBundle';
export { loadTrustedRoot } from './trustedRoot';
