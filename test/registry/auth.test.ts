/**
 * Authentication against real registries: Basic over TLS with a per-registry CA, the Bearer token flow with a
 * real token server (anonymous public pulls, alice's private pulls, refusals), and every credential store of the
 * keychain: docker config `auths`, `credHelpers`, `credsStore`, podman's auth.json and identity tokens.
 * Each client gets an isolated environment (its own HOME, DOCKER_CONFIG and PATH), never the machine's own config.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient, RegistryClientOptions, RegistryError } from '../../server/src/registry';
import { httpRequest, proxy, pushImage, startMisbehavingServer, startRegistry } from '../helpers/registry';
import { rejectsWith } from '../helpers/registry/assertions';
import type { Handler, RunningRegistry } from '../helpers/registry';

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function registryWith(options: Parameters<typeof startRegistry>[0]): Promise<RunningRegistry> {
  const registry = await startRegistry(options);
  cleanups.push(() => registry.stop());
  return registry;
}

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-auth-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A client whose only credentials are the docker config written here (`config` may be undefined for none). */
function clientWith(config: unknown, options: RegistryClientOptions = {}, env: Record<string, string> = {}): { client: RegistryClient; configDir: string } {
  const home = temporaryDir();
  const configDir = join(home, '.docker');
  mkdirSync(configDir);
  if (config !== undefined) writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
  const client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH, DOCKER_CONFIG: configDir, ...env }, fetchTimeoutMs: 5000, ...options });
  cleanups.push(() => client.close());
  return { client, configDir };
}

function auth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

function assertNoSecret(error: RegistryError, secret: string): void {
  assert.ok(!error.message.includes(secret), 'the message leaks the secret');
  assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(secret), 'a field leaks the secret');
}

test('Basic auth over TLS with the registry CA: the right password works, a wrong one is UNAUTHORIZED naming the source', async () => {
  const registry = await registryWith({ auth: 'basic', tls: true });
  const pushed = await pushImage(registry, 'private/app', 'v1');
  const caFiles = { [registry.host]: registry.caFile! };

  const good = clientWith({ auths: { [registry.host]: { auth: auth('alice', 'alice-password') } } }, { caFiles });
  const info = await good.client.getManifest({ registry: registry.host, path: 'private/app', reference: 'v1' });
  assert.equal(info.digest, pushed.digest);
  assert.deepEqual((await good.client.listTags({ registry: registry.host, path: 'private/app' })).tags, ['v1']);

  const wrong = clientWith({ auths: { [`https://${registry.host}`]: { username: 'alice', password: 'not-her-password' } } }, { caFiles });
  const error = await rejectsWith(wrong.client.getManifest({ registry: registry.host, path: 'private/app', reference: 'v1' }), 'UNAUTHORIZED');
  assert.equal(error.status, 401);
  assert.match(error.triedCredentials, new RegExp(`docker config auths for https://${registry.host.replace(/\./g, '\\.')} in ${wrong.configDir}`));
  assert.match(error.message, /tried docker config auths/);
  assertNoSecret(error, 'not-her-password');

  const none = clientWith(undefined, { caFiles });
  const anonymous = await rejectsWith(none.client.listTags({ registry: registry.host, path: 'private/app' }), 'UNAUTHORIZED');
  assert.equal(anonymous.triedCredentials, 'anonymous');
});

test('TLS without the registry CA fails as TLS, and is never retried over plain HTTP', async () => {
  const registry = await registryWith({ tls: true });
  await pushImage(registry, 'team/app', 'v1');
  const { client } = clientWith(undefined);
  const error = await rejectsWith(client.getManifest({ registry: registry.host, path: 'team/app', reference: 'v1' }), 'TLS');
  assert.equal(error.temporary, false);
  assert.match(error.message, /CA/);
  const missing = clientWith(undefined, { caFiles: { [registry.host]: '/nonexistent/ca.pem' } });
  await rejectsWith(missing.client.listTags({ registry: registry.host, path: 'team/app' }), 'TLS');
});

test('token flow: anonymous pulls of public/*, alice pulls private/* with her docker config, anonymous is refused', async () => {
  const registry = await registryWith({ auth: 'token', tls: true });
  const token = registry.tokenServer!;
  const publicImage = await pushImage(registry, 'public/tool', 'v1');
  const privateImage = await pushImage(registry, 'private/app', 'v1');
  const caFiles = { [registry.host]: registry.caFile! };
  token.resetRequests();

  const anonymous = clientWith(undefined, { caFiles });
  assert.equal((await anonymous.client.getManifest({ registry: registry.host, path: 'public/tool', reference: 'v1' })).digest, publicImage.digest);
  assert.deepEqual(
    token.requests.map((r) => [r.method, r.account, r.scopes.join(' ')]),
    [['GET', null, 'repository:public/tool:pull']],
    'one anonymous token serves HEAD, GET and the config blob',
  );
  const refused = await rejectsWith(anonymous.client.getManifest({ registry: registry.host, path: 'private/app', reference: 'v1' }), 'UNAUTHORIZED');
  assert.equal(refused.triedCredentials, 'anonymous');

  token.resetRequests();
  const alice = clientWith({ auths: { [registry.host]: { auth: auth('alice', 'alice-password') } } }, { caFiles });
  assert.equal((await alice.client.getManifest({ registry: registry.host, path: 'private/app', reference: 'v1' })).digest, privateImage.digest);
  assert.deepEqual(
    token.requests.map((r) => [r.account, r.granted.map((g) => `${g.name}:${g.actions.join(',')}`).join(' ')]),
    [['alice', 'private/app:pull']],
  );
  // Alice has no grant on other repositories: the registry refuses her token for them.
  await pushImage(registry, 'other/app', 'v1');
  const denied = await rejectsWith(alice.client.getManifest({ registry: registry.host, path: 'other/app', reference: 'v1' }), 'UNAUTHORIZED');
  assert.match(denied.triedCredentials, /docker config auths/);

  const wrong = clientWith({ auths: { [registry.host]: { auth: auth('alice', 'wrong') } } }, { caFiles });
  const error = await rejectsWith(wrong.client.getManifest({ registry: registry.host, path: 'public/tool', reference: 'v1' }), 'UNAUTHORIZED');
  assert.match(error.message, /token/);
  assertNoSecret(error, 'wrong');
});

test('requiresAuth with the token flow: alice reads private/* with her config, but an anonymous token pulls only public/*', async () => {
  const registry = await registryWith({ auth: 'token' });
  const token = registry.tokenServer!;
  const privateImage = await pushImage(registry, 'private/app', 'v1');
  await pushImage(registry, 'public/tool', 'v1');
  const front = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => front.stop());
  const { client } = clientWith({ auths: { [front.host]: { auth: auth('alice', 'alice-password') } } });
  const repo = (path: string, reference = 'v1') => ({ registry: front.host, path, reference });
  assert.equal((await client.getManifest(repo('private/app'), { detail: 'digest' })).digest, privateImage.digest);
  await client.getManifest(repo('public/tool'), { detail: 'digest' });
  const manifests = () => front.requests.filter((r) => r.path.includes('/manifests/')).map((r) => `${r.method} ${r.path}`);

  token.resetRequests();
  front.resetRequests();
  assert.deepEqual(await client.requiresAuth(repo('private/app')), { required: true, fromCache: false, stale: false });
  // One anonymous token (alice's config is not used: no account), granted nothing, and one HEAD it does not pass.
  assert.deepEqual(
    token.requests.map((r) => [r.method, r.account, r.scopes.join(' '), r.granted.length]),
    [['GET', null, 'repository:private/app:pull', 0]],
  );
  assert.deepEqual(manifests(), ['HEAD /v2/private/app/manifests/v1']);

  token.resetRequests();
  front.resetRequests();
  assert.deepEqual(await client.requiresAuth(repo('public/tool')), { required: false, fromCache: false, stale: false });
  assert.deepEqual(
    token.requests.map((r) => [r.account, r.granted.map((g) => `${g.name}:${g.actions.join(',')}`).join(' ')]),
    [[null, 'public/tool:pull']],
  );
  assert.deepEqual(manifests(), ['HEAD /v2/public/tool/manifests/v1']);

  // Cached per repository: another tag of the same repository asks nothing.
  token.resetRequests();
  front.resetRequests();
  assert.equal((await client.requiresAuth(repo('private/app', 'v2'))).required, true);
  assert.equal((await client.requiresAuth(repo('public/tool', 'v9'))).required, false);
  assert.equal(token.requests.length + front.requests.length, 0);

  // Without a docker config the manifest was read with an anonymous token already: that answers the question.
  const anonymous = clientWith(undefined).client;
  await anonymous.getManifest(repo('public/tool'), { detail: 'digest' });
  token.resetRequests();
  front.resetRequests();
  assert.deepEqual(await anonymous.requiresAuth(repo('public/tool')), { required: false, fromCache: true, stale: false });
  assert.equal(token.requests.length + front.requests.length, 0);
});

test("tokens are reused until shortly before they expire, by the client's clock, then fetched again", async () => {
  const registry = await registryWith({ auth: 'token', token: { expiresIn: 300 } });
  await pushImage(registry, 'public/tool', 'v1');
  registry.tokenServer!.resetRequests();
  let now = Date.now();
  const { client } = clientWith(undefined, { now: () => now });
  const repository = { registry: registry.host, path: 'public/tool' };
  await client.listTags(repository);
  await client.listTags(repository, { fresh: true });
  assert.equal(registry.tokenServer!.requests.length, 1);
  // A 300 s token is used for 270 s: the margin is 10 % of its life, at most 30 s. The registry would take it for 300 s.
  now += 269_000;
  await client.listTags(repository, { fresh: true });
  assert.equal(registry.tokenServer!.requests.length, 1, 'the token is reused within its life less the margin');
  now += 2_000;
  await client.listTags(repository, { fresh: true });
  assert.equal(registry.tokenServer!.requests.length, 2, 'a token past its life less the margin is fetched again');
});

/** Writes an executable `docker-credential-NAME` that logs its stdin and answers for one server only. */
function writeHelper(dir: string, name: string, server: string, username: string, secret: string): string {
  const log = join(dir, `${name}.log`);
  const script = [
    '#!/bin/sh',
    'read -r server || true',
    `printf '%s %s\\n' "$1" "$server" >> '${log}'`,
    `if [ "$1" = get ] && [ "$server" = '${server}' ]; then`,
    `  printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$server"`,
    'else',
    '  echo "credentials not found in native keychain"',
    '  exit 1',
    'fi',
  ].join('\n');
  const file = join(dir, `docker-credential-${name}`);
  writeFileSync(file, script + '\n');
  chmodSync(file, 0o755);
  return log;
}

test('credential helpers: credHelpers per registry and credsStore for all, run with the server on stdin', async () => {
  const registry = await registryWith({ auth: 'basic' });
  const pushed = await pushImage(registry, 'private/app', 'v1');
  const bin = temporaryDir();
  const log = writeHelper(bin, 'test', registry.host, 'alice', 'alice-password');
  const path = { PATH: `${bin}:${process.env.PATH}` };

  const perRegistry = clientWith({ credHelpers: { [registry.host]: 'test' }, auths: { [registry.host]: { auth: auth('alice', 'ignored') } } }, {}, path);
  assert.equal((await perRegistry.client.getManifest({ registry: registry.host, path: 'private/app', reference: 'v1' })).digest, pushed.digest);
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [`get ${registry.host}`], 'the helper ran once, for this registry');

  const store = clientWith({ credsStore: 'test' }, {}, path);
  assert.deepEqual((await store.client.listTags({ registry: registry.host, path: 'private/app' })).tags, ['v1']);

  // The helper has nothing for another host: anonymous, and the message says the helper was asked.
  const other = await registryWith({ auth: 'basic' });
  await pushImage(other, 'private/app', 'v1');
  const error = await rejectsWith(store.client.listTags({ registry: other.host, path: 'private/app' }), 'UNAUTHORIZED');
  assert.match(error.triedCredentials, /docker-credential-test has no credentials/);

  const broken = clientWith({ credsStore: 'absent' }, {}, path);
  const missing = await rejectsWith(broken.client.listTags({ registry: registry.host, path: 'private/app' }), 'CREDENTIALS');
  assert.match(missing.message, /docker-credential-absent was not found on PATH/);
});

test("podman's auth.json under XDG_RUNTIME_DIR is read when the docker config has nothing", async () => {
  const registry = await registryWith({ auth: 'basic' });
  const pushed = await pushImage(registry, 'private/app', 'v1');
  const runtime = temporaryDir();
  mkdirSync(join(runtime, 'containers'));
  writeFileSync(
    join(runtime, 'containers', 'auth.json'),
    JSON.stringify({ auths: { [`${registry.host}/private`]: { auth: auth('alice', 'alice-password') } } }),
  );
  const { client } = clientWith({ auths: {} }, {}, { XDG_RUNTIME_DIR: runtime });
  assert.equal((await client.getManifest({ registry: registry.host, path: 'private/app', reference: 'v1' })).digest, pushed.digest);
});

/**
 * An identity token (docker config `identitytoken`, or a helper's "<token>" user) is an OAuth2 refresh token.
 * The test token server speaks only the password grant, so a proxy in front of the registry rewrites the realm
 * to its own /token, which accepts one refresh token and issues a real registry token for alice.
 */
test('an identity token is POSTed to the realm as a refresh_token and never sent to the registry', async () => {
  const registry = await registryWith({ auth: 'token' });
  const pushed = await pushImage(registry, 'private/app', 'v1');
  const front = await startMisbehavingServer();
  cleanups.push(() => front.stop());
  const relay: Handler = async (request, response) => {
    const headers: Record<string, string> = {};
    if (typeof request.headers.authorization === 'string') headers.authorization = request.headers.authorization;
    if (typeof request.headers.accept === 'string') headers.accept = request.headers.accept;
    const answer = await httpRequest(new URL(request.url ?? '/', registry.url), { method: request.method, headers });
    const relayed: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers))
      if (typeof value === 'string' && name !== 'connection' && name !== 'keep-alive') relayed[name] = value;
    if (relayed['www-authenticate']) relayed['www-authenticate'] = relayed['www-authenticate'].replace(registry.tokenServer!.realm, `${front.url}/token`);
    response.writeHead(answer.status, relayed);
    response.end(answer.body);
  };
  const forms: URLSearchParams[] = [];
  front.on(/^\/v2\//, relay);
  front.on('/token', (_request, response, body) => {
    const form = new URLSearchParams(body.toString('utf8'));
    forms.push(form);
    const ok = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'alice-identity';
    const access = ok ? [{ type: 'repository', name: 'private/app', actions: ['pull'] }] : [];
    response.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify(ok ? { access_token: registry.tokenServer!.issueToken({ account: 'alice', access }), expires_in: 300 } : { error: 'invalid_grant' }),
    );
  });

  const { client } = clientWith({ auths: { [front.host]: { auth: auth('alice', 'unused'), identitytoken: 'alice-identity' } } });
  assert.equal((await client.getManifest({ registry: front.host, path: 'private/app', reference: 'v1' })).digest, pushed.digest);
  assert.equal(forms.length, 1);
  assert.equal(forms[0].get('scope'), 'repository:private/app:pull');
  assert.equal(forms[0].get('service'), registry.tokenServer!.service);
  const toRegistry = front.requests.filter((r) => r.path.startsWith('/v2/'));
  assert.ok(
    toRegistry.every((r) => !String(r.headers.authorization ?? '').includes('alice-identity') && !String(r.headers.authorization ?? '').startsWith('Basic')),
  );

  const bin = temporaryDir();
  writeHelper(bin, 'token', front.host, '<token>', 'alice-identity');
  const viaHelper = clientWith({ credHelpers: { [front.host]: 'token' } }, {}, { PATH: `${bin}:${process.env.PATH}` });
  assert.equal((await viaHelper.client.getManifest({ registry: front.host, path: 'private/app', reference: 'v1' })).digest, pushed.digest);
  assert.equal(forms.length, 2);
  assert.equal(forms[1].get('refresh_token'), 'alice-identity');
});
