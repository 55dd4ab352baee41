/**
 * Docker's config.json (and podman's auth.json, which has the same shape), read the way the docker CLI reads it.
 * For a registry: `credHelpers[host]` names a helper; otherwise `credsStore` names one for every registry; otherwise
 * the `auths` entry is used. Docker Hub's key is "https://index.docker.io/v1/"; other keys may be a host, a host:port,
 * a URL, or (podman) a repository prefix such as "quay.io/org", the longest matching prefix winning.
 * An `auths` entry holds `auth` (base64 "user:password"), or `username` and `password`, and maybe `identitytoken`
 * or `registrytoken`.
 */
import { DOCKER_HUB_CONFIG_KEY, isDockerHub, normalizeRegistry } from '../hosts';
import type { Credential, CredentialTarget } from './credential';
import { jsonErrorOffset, lineColumn } from './jsonSyntax';

export interface AuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

export interface DockerConfig {
  readonly auths: Readonly<Record<string, AuthEntry>>;
  readonly credHelpers: Readonly<Record<string, string>>;
  readonly credsStore?: string;
}

/** What to do for one registry: use an entry, ask a helper, or nothing. */
export type ConfigLookup =
  | { readonly kind: 'entry'; readonly key: string; readonly entry: AuthEntry }
  | { readonly kind: 'helper'; readonly helper: string; readonly serverUrl: string }
  | { readonly kind: 'none' };

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses the text of a config file. When it is not a JSON object, throws a SyntaxError whose message
 * says so after the file's name ("is not valid JSON: line 3, column 27"), with no byte of the file.
 */
export function parseDockerConfig(text: string): DockerConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text);
    if (offset === null) throw new SyntaxError('is not valid JSON');
    const { line, column } = lineColumn(text, offset);
    throw new SyntaxError(`is not valid JSON: line ${line}, column ${column}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('is not a JSON object');
  const raw = parsed as { auths?: unknown; credHelpers?: unknown; credsStore?: unknown };
  const auths: Record<string, AuthEntry> = {};
  if (typeof raw.auths === 'object' && raw.auths !== null) {
    for (const [key, value] of Object.entries(raw.auths as Record<string, unknown>)) {
      if (typeof value !== 'object' || value === null) continue;
      const entry = value as Record<string, unknown>;
      auths[key] = {
        auth: stringField(entry.auth),
        username: stringField(entry.username),
        password: stringField(entry.password),
        identitytoken: stringField(entry.identitytoken),
        registrytoken: stringField(entry.registrytoken),
      };
    }
  }
  const credHelpers: Record<string, string> = {};
  if (typeof raw.credHelpers === 'object' && raw.credHelpers !== null) {
    for (const [key, value] of Object.entries(raw.credHelpers as Record<string, unknown>)) {
      if (typeof value === 'string' && value !== '') credHelpers[key] = value;
    }
  }
  return { auths, credHelpers, credsStore: stringField(raw.credsStore) };
}

/** The server address docker uses for a registry: the Docker Hub URL or the host[:port]. */
export function serverAddress(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_CONFIG_KEY : registry.toLowerCase();
}

/**
 * How well a config key matches a target: -1 for no match, 0 for a registry-wide key, otherwise the length of
 * the repository prefix it names.
 */
export function matchAuthKey(key: string, target: CredentialTarget): number {
  const trimmed = key
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const rest = slash < 0 ? '' : trimmed.slice(slash + 1);
  if (host === '' || normalizeRegistry(host) !== normalizeRegistry(target.registry)) return -1;
  if (rest === '' || /^v[12]$/i.test(rest)) return 0;
  const path = target.path ?? '';
  if (path === rest || path.startsWith(rest + '/')) return rest.length;
  return -1;
}

function findHelper(config: DockerConfig, registry: string): string | undefined {
  const wanted = normalizeRegistry(registry);
  for (const [key, helper] of Object.entries(config.credHelpers)) {
    if (matchAuthKey(key, { registry: wanted }) === 0) return helper;
  }
  return config.credsStore;
}

/** Decides where the credentials for `target` come from according to one config file. */
export function lookupConfig(config: DockerConfig, target: CredentialTarget): ConfigLookup {
  const helper = findHelper(config, target.registry);
  if (helper !== undefined) return { kind: 'helper', helper, serverUrl: serverAddress(target.registry) };
  let best: { key: string; score: number } | undefined;
  for (const key of Object.keys(config.auths)) {
    const score = matchAuthKey(key, target);
    if (score >= 0 && (best === undefined || score > best.score)) best = { key, score };
  }
  return best === undefined ? { kind: 'none' } : { kind: 'entry', key: best.key, entry: config.auths[best.key] };
}

/** Turns an `auths` entry into a credential; an empty entry (a marker left by `docker login` with a store) is anonymous. */
export function credentialFromEntry(entry: AuthEntry, source: string): Credential {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth !== undefined) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.identitytoken !== undefined) return { kind: 'identityToken', username, token: entry.identitytoken, source };
  if (entry.registrytoken !== undefined) return { kind: 'registryToken', token: entry.registrytoken, source };
  if (username !== undefined && password !== undefined) return { kind: 'basic', username, password, source };
  return { kind: 'anonymous', source: `anonymous (${source} has no usable credentials)` };
}
