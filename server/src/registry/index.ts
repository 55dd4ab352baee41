/**
 * The registry module: everything that speaks the OCI distribution protocol, and nothing that knows an editor.
 * It imports Node built-ins only (no vscode, no vscode-languageserver, no HTTP package), so the LSP server and the
 * CLI share it through `createRegistryClient` and the `RegistryClient` interface, whose answers are plain data.
 *
 * The layers, bottom up, as in go-containerregistry:
 * - hosts: registry name → API host, and where plain HTTP is allowed (loopback and listed insecure registries);
 * - credentials/: a keychain of credential stores (docker config auths, credHelpers, credsStore, podman auth files);
 * - http, exchange, retry, session + transport: TLS, redirects without credentials, retries, limits, ping, Basic and Bearer auth;
 * - rateLimit: the pull rate limits registries announce, and a 429 explained;
 * - manifest, tags: the protocol's requests, verified by digest;
 * - cache + client: TTL and content-addressed caching on disk, single-flight, stale answers when offline.
 *
 * Secrets never appear in messages, traces or the cache: errors carry only a description of the credential source.
 */
export { createRegistryClient, type RegistryClientOptions } from './client';
export { RegistryError, isRegistryError, type RegistryErrorCode } from './errors';
export { defaultCacheDir } from './cache';
export type { RequestEvent } from './exchange';
export type { Credential, CredentialTarget, Keychain } from './credentials/credential';
export type * from './types';
export type { RateLimitState } from './rateLimit';
export { toolVerifiesTls } from './hosts';
