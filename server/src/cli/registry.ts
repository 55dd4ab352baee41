/**
 * What the registry commands (`tags`, `inspect`, `pin`, `check --online`) share: their flags, the
 * RegistryClient those flags describe, and how a registry failure is told to the user.
 * The client reads DOCKER_CONFIG (and HOME, PATH for credential helpers) from the environment it is
 * given, so the CLI passes the process environment through unchanged.
 */
import { resolve } from 'node:path';
import { createRegistryClient, defaultCacheDir, isRegistryError } from '../registry';
import type { RegistryClient, RegistryClientOptions, RequestEvent } from '../registry';
import { parseReference } from '../core';
import type { ImageReference } from '../core';
import { CliError } from './args';

/** The process facts a registry command needs, passed in so that main.ts stays the only module touching the process. */
export interface RegistryIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory, for the default cache directory. */
  readonly home: string;
  /** Called after every HTTP exchange, for tracing; it gets no headers or bodies. */
  readonly onRequest?: (event: RequestEvent) => void;
}

/** The `parseArgs` options every registry command accepts. */
export const REGISTRY_FLAGS = {
  'ca-file': { type: 'string', multiple: true, default: [] as string[] },
  'insecure-registry': { type: 'string', multiple: true, default: [] as string[] },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
} as const;

export const REGISTRY_USAGE = `Registry options:
  --ca-file HOST=PATH        Trust the PEM certificates in PATH for the registry HOST[:PORT] (repeatable);
                             the system CAs are trusted as well.
  --insecure-registry HOST   Allow plain HTTP for HOST[:PORT] or an IPv4 CIDR (repeatable); loopback always may.
  --cache-dir DIR            Where answers are cached (default $XDG_CACHE_HOME/image-aware, else ~/.cache/image-aware).
                             Tag lists are reused for 5 minutes, manifests by digest for good; check --online,
                             pin and push ask each tag again and use the cache only when the registry is unreachable.
  --no-cache                 Use no cache on disk: ask the registry again for everything.
Credentials come from the docker config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json: auths,
credHelpers, credsStore) and podman's auth.json, as docker and podman use them.
`;

export interface RegistryFlagValues {
  readonly 'ca-file': readonly string[];
  readonly 'insecure-registry': readonly string[];
  readonly 'cache-dir'?: string;
  readonly 'no-cache'?: boolean;
}

export interface RegistrySetup {
  readonly caFiles: Readonly<Record<string, string>>;
  readonly insecureRegistries: readonly string[];
  /** Undefined with --no-cache: the client then caches in memory only. */
  readonly cacheDir: string | undefined;
}

function caFileEntry(entry: string, cwd: string): [string, string] {
  const equals = entry.indexOf('=');
  const host = entry.slice(0, Math.max(equals, 0)).trim().toLowerCase();
  const path = entry.slice(equals + 1);
  if (equals <= 0 || host === '' || path === '')
    throw new CliError(`--ca-file expects HOST=PATH, for example registry.example.com:5000=ca.pem (got "${entry}").`);
  // The client reads the file when it first talks to that host; a relative path means the one the user sees.
  return [host, resolve(cwd, path)];
}

/** Checks the registry flags; throws a CliError for a malformed one. */
export function registrySetup(values: RegistryFlagValues, cwd: string, io: RegistryIo): RegistrySetup {
  if (values['no-cache'] && values['cache-dir'] !== undefined) throw new CliError('--cache-dir and --no-cache exclude each other.');
  for (const entry of values['insecure-registry']) {
    if (entry.trim() === '') throw new CliError('--insecure-registry expects HOST[:PORT] or an IPv4 CIDR.');
  }
  return {
    caFiles: Object.fromEntries(values['ca-file'].map((entry) => caFileEntry(entry, cwd))),
    insecureRegistries: values['insecure-registry'].map((entry) => entry.trim()),
    cacheDir: values['no-cache'] ? undefined : values['cache-dir'] !== undefined ? resolve(cwd, values['cache-dir']) : defaultCacheDir(io.env, io.home),
  };
}

function clientOptions(setup: RegistrySetup, io: RegistryIo): RegistryClientOptions {
  return {
    caFiles: setup.caFiles,
    insecureRegistries: setup.insecureRegistries,
    cacheDir: setup.cacheDir,
    env: io.env,
    userAgent: 'image-aware-cli',
    onRequest: io.onRequest,
  };
}

export function openClient(setup: RegistrySetup, io: RegistryIo): RegistryClient {
  return createRegistryClient(clientOptions(setup, io));
}

/** Failures before any answer: no credentials were involved, so naming them would mislead. */
const NO_AUTH_CODES = new Set(['UNREACHABLE', 'TIMEOUT', 'TLS', 'ABORTED', 'NAME_INVALID', 'TAG_INVALID']);

/** The reason a registry request failed, in one line. RegistryError messages carry no secrets by construction. */
export function describeRegistryError(error: unknown): string {
  if (!isRegistryError(error)) return error instanceof Error ? error.message : String(error);
  const reachedAuth = !NO_AUTH_CODES.has(error.code) && !error.message.includes('(tried ');
  const tried = reachedAuth ? ` (credentials tried: ${error.triedCredentials})` : '';
  return `${error.message}${tried}`;
}

/** Parses a reference the way the core does, as a CliError when it is not one. */
export function referenceArgument(input: string, what: string): ImageReference {
  const parsed = parseReference(input);
  if (!parsed.ok) throw new CliError(`${what} "${input}" is not a valid image reference: ${parsed.error.message}`);
  return parsed.value;
}
