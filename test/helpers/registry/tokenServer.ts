/**
 * A token service for the Docker registry token flow, the one Docker Hub, GHCR and Harbor use.
 * The registry answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the client
 * calls `GET realm?service=…&scope=repository:NAME:pull,push` (with Basic credentials, or none for
 * anonymous access) and sends the returned token as `Authorization: Bearer …`.
 * OAuth2 `POST realm` with `grant_type=password` (what containerd tries first) is answered too.
 * Access comes from a small grant table, and every request is recorded so cache tests can count.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigningFiles } from './certificates';
import { removeFolder, trackFolder } from './cleanup';
import { signRegistryToken } from './jwt';
import type { AccessEntry, KeyHeader } from './jwt';
import { readBody } from '../requestBody';

/**
 * One row of the grant table. Everybody gets the anonymous rows (`account: null`), authenticated
 * callers also get the `'*'` rows, and each account its own rows.
 */
export interface Grant {
  readonly account: string | null;
  /** The resource type: `repository` (the default) or `registry` (for `registry:catalog:*`). */
  readonly type?: string;
  /** A name pattern where `*` matches any characters, slashes included: `private/*`, `*`. */
  readonly name: string;
  /** The actions allowed, such as `pull`, `push`, `delete`, or `*` for every action asked for. */
  readonly actions: readonly string[];
}

/** The default accounts: `admin` can do everything (the seed helpers use it), `alice` is a reader. */
export const DEFAULT_USERS: Readonly<Record<string, string>> = {
  admin: 'admin-password',
  alice: 'alice-password',
};

/** admin: everything; alice: pull `private/*`; anonymous: pull `public/*`. */
export const DEFAULT_GRANTS: readonly Grant[] = [
  { account: 'admin', name: '*', actions: ['*'] },
  { account: 'admin', type: 'registry', name: 'catalog', actions: ['*'] },
  { account: 'alice', name: 'private/*', actions: ['pull'] },
  { account: null, name: 'public/*', actions: ['pull'] },
];

export interface TokenServerOptions {
  /** The `service` the registry names in its challenge and checks as `aud`; `test-registry` by default. */
  readonly service?: string;
  /** The `iss` claim the registry trusts; `test-issuer` by default. */
  readonly issuer?: string;
  readonly users?: Readonly<Record<string, string>>;
  readonly grants?: readonly Grant[];
  /** Token lifetime in seconds (300 by default, as on Docker Hub). */
  readonly expiresIn?: number;
  /** How the JWT header names its key: `x5c` (default) or libtrust `kid`. */
  readonly keyHeader?: KeyHeader;
  /** Which response fields carry the token: both (default) or only one, as some services do. */
  readonly fields?: 'both' | 'token' | 'access_token';
}

/** What the token server saw and answered, for assertions. */
export interface TokenRequest {
  readonly method: string;
  /** The authenticated account, or null for anonymous requests and failed logins. */
  readonly account: string | null;
  readonly service: string | null;
  readonly scopes: readonly string[];
  readonly granted: readonly AccessEntry[];
  readonly status: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The realm to configure in the registry: `${url}/token`. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** The signing certificate, the registry's `rootcertbundle`. */
  readonly certFile: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly TokenRequest[];
  /** Forgets the recorded requests, for example after seeding. */
  resetRequests(): void;
  /** Replaces the grant table, for example to revoke access in the middle of a test. */
  setGrants(grants: readonly Grant[]): void;
  /** Issues a token directly, for tests that need an expired or hand-made token. */
  issueToken(options: { account?: string; access: readonly AccessEntry[]; expiresIn?: number }): string;
  stop(): Promise<void>;
}

function patternMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** Parses `type:name:actions`; repository names never contain a colon, so the last one splits actions. */
function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function grantAccess(grants: readonly Grant[], account: string | null, scopes: readonly string[]): AccessEntry[] {
  const granted: AccessEntry[] = [];
  for (const requested of scopes.map(parseScope)) {
    if (!requested) continue;
    const allowed = new Set<string>();
    for (const grant of grants) {
      const who = grant.account === null || grant.account === account || (grant.account === '*' && account !== null);
      if (!who || (grant.type ?? 'repository') !== requested.type || !patternMatches(grant.name, requested.name)) continue;
      for (const action of requested.actions) if (grant.actions.includes('*') || grant.actions.includes(action)) allowed.add(action);
    }
    if (allowed.size > 0) granted.push({ type: requested.type, name: requested.name, actions: [...allowed] });
  }
  return granted;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Starts the token server on 127.0.0.1 with a fresh signing key. */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const service = options.service ?? 'test-registry';
  const issuer = options.issuer ?? 'test-issuer';
  const users = options.users ?? DEFAULT_USERS;
  const expiresIn = options.expiresIn ?? 300;
  const keyHeader = options.keyHeader ?? 'x5c';
  const fields = options.fields ?? 'both';
  let grants = options.grants ?? DEFAULT_GRANTS;
  const requests: TokenRequest[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'image-aware-token-'));
  trackFolder(dir);
  const signing = createSigningFiles(dir);

  const issueToken = (account: string | null, access: readonly AccessEntry[], lifetime = expiresIn): string =>
    signRegistryToken({ issuer, audience: service, subject: account ?? '', access, expiresIn: lifetime }, signing.keyPem, signing.certPem, keyHeader);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const params = method === 'POST' ? new URLSearchParams(await readBody(request)) : url.searchParams;
    // Scopes come as repeated `scope` parameters or space-separated in one (OAuth2 style).
    const scopes = params
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    const record = (status: number, account: string | null, granted: readonly AccessEntry[] = []): void => {
      requests.push({ method, account, service: params.get('service'), scopes, granted, status });
    };
    if (url.pathname !== '/token' || (method !== 'GET' && method !== 'POST')) {
      record(404, null);
      return sendJson(response, 404, { details: 'not found' });
    }
    let account: string | null = null;
    let username: string | null = null;
    let password: string | null = null;
    if (method === 'POST') {
      if (params.get('grant_type') !== 'password') {
        record(400, null);
        return sendJson(response, 400, { error: 'unsupported_grant_type' });
      }
      username = params.get('username');
      password = params.get('password');
    } else {
      const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      if (basic) {
        const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    }
    if (username !== null) {
      if (!Object.hasOwn(users, username) || users[username] !== password) {
        record(401, null);
        return sendJson(response, 401, { details: 'incorrect username or password' }, { 'WWW-Authenticate': 'Basic realm="token"' });
      }
      account = username;
    }
    if (params.get('service') !== service) {
      record(400, account);
      return sendJson(response, 400, { details: `unknown service ${JSON.stringify(params.get('service'))}, expected ${service}` });
    }
    const granted = grantAccess(grants, account, scopes);
    const token = issueToken(account, granted);
    record(200, account, granted);
    const body: Record<string, unknown> = { expires_in: expiresIn, issued_at: new Date().toISOString() };
    if (fields !== 'access_token') body.token = token;
    if (fields !== 'token') body.access_token = token;
    sendJson(response, 200, body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { details: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Unreferenced, so that a test which forgets stop() still lets its process end.
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    certFile: signing.certFile,
    requests,
    resetRequests: () => void requests.splice(0),
    setGrants: (next) => void (grants = next),
    issueToken: ({ account, access, expiresIn: lifetime }) => issueToken(account ?? null, access, lifetime),
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      removeFolder(dir);
    },
  };
}
