/**
 * The authentication parts that need no server: WWW-Authenticate challenges, docker config parsing and lookup
 * (Docker Hub's key, URL keys, podman's repository keys, credHelpers and credsStore), auth entries,
 * credential helper output, where a broken config file stops being JSON, and the keychain's order and caching.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeScopes, pickChallenge } from '../../server/src/registry/auth';
import type { Credential, Keychain } from '../../server/src/registry/credentials/credential';
import { credentialFromEntry, lookupConfig, matchAuthKey, parseDockerConfig } from '../../server/src/registry/credentials/dockerConfig';
import { parseHelperOutput } from '../../server/src/registry/credentials/helper';
import { jsonErrorOffset, lineColumn } from '../../server/src/registry/credentials/jsonSyntax';
import { cachedKeychain, createDefaultKeychain, defaultCredentialFiles } from '../../server/src/registry/credentials/keychain';
import { parseWwwAuthenticate } from '../../server/src/registry/headers';
import { deferred } from '../helpers/events';

test('WWW-Authenticate: Bearer with quoted commas, Basic, several challenges, odd spacing', () => {
  const cases: Array<[string | string[], Array<{ scheme: string; params: Record<string, string> }>]> = [
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } }],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Basic realm="a, b", Bearer realm="https://x/token", error="insufficient_scope"',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } },
      ],
    ],
    ['BEARER Realm = "https://x/t" , Service=svc', [{ scheme: 'bearer', params: { realm: 'https://x/t', service: 'svc' } }]],
    ['Bearer realm="with \\"escaped\\" quote"', [{ scheme: 'bearer', params: { realm: 'with "escaped" quote' } }]],
    [
      ['Basic realm="one"', 'Bearer realm="two"'],
      [
        { scheme: 'basic', params: { realm: 'one' } },
        { scheme: 'bearer', params: { realm: 'two' } },
      ],
    ],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []],
  ];
  for (const [header, expected] of cases) assert.deepEqual(parseWwwAuthenticate(header), expected, JSON.stringify(header));
  assert.equal(pickChallenge(parseWwwAuthenticate('Basic realm="a", Bearer realm="b"'))?.scheme, 'bearer');
  assert.equal(pickChallenge(parseWwwAuthenticate('Negotiate')), undefined);
  assert.deepEqual(mergeScopes(['repository:a:pull'], { scheme: 'bearer', params: { scope: 'repository:a:pull repository:b:pull' } }), [
    'repository:a:pull',
    'repository:b:pull',
  ]);
});

test('docker config: auths, credHelpers and credsStore read leniently', () => {
  const config = parseDockerConfig(
    JSON.stringify({
      auths: { 'https://index.docker.io/v1/': { auth: 'dTpw' }, bad: 'x', 'q.io': { username: 'u', password: 'p', email: 'e' } },
      credHelpers: { 'gcr.io': 'gcloud', x: 3 },
      credsStore: 'desktop',
    }),
  );
  assert.deepEqual(Object.keys(config.auths), ['https://index.docker.io/v1/', 'q.io']);
  assert.deepEqual(config.credHelpers, { 'gcr.io': 'gcloud' });
  assert.equal(config.credsStore, 'desktop');
  assert.throws(() => parseDockerConfig('[]'), { name: 'SyntaxError', message: 'is not a JSON object' });
  assert.throws(() => parseDockerConfig('{\n  "auths": {"a": {"auth": s3cret}}}'), { name: 'SyntaxError', message: 'is not valid JSON: line 2, column 27' });
  assert.deepEqual(parseDockerConfig('{}'), { auths: {}, credHelpers: {}, credsStore: undefined });
});

test('jsonErrorOffset agrees with JSON.parse on every one-character mutation of a config, and with V8 wherever V8 names a position', () => {
  const config = { auths: { 'r.io': { auth: 'dTpw', email: null }, x: { n: [1, -2.5e3, true, false, 0.5e2] } }, credsStore: 'd\u00e9\n' };
  const base = JSON.stringify(config, null, 2);
  const pieces = ['', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'x', '0', '-', '\u0001', 'e', '.', 't', '\ufeff'];
  let named = 0;
  for (let at = 0; at <= base.length; at++) {
    for (const piece of pieces) {
      for (const removed of [0, 1]) {
        const text = base.slice(0, at) + piece + base.slice(at + removed);
        let v8: string | null = null;
        try {
          JSON.parse(text);
        } catch (error) {
          v8 = (error as Error).message;
        }
        const offset = jsonErrorOffset(text);
        assert.equal(offset === null, v8 === null, `${JSON.stringify(text)}: ${v8}`);
        const position = v8 === null ? null : /at position (\d+)/.exec(v8);
        if (position) {
          assert.equal(offset, Number(position[1]), `${JSON.stringify(text)}: ${v8}`);
          named++;
        }
      }
    }
  }
  assert.ok(named > 1000, `V8 named ${named} positions`);
  assert.equal(jsonErrorOffset('[1, 2'), 5, 'a text that ends too soon fails at its end');
  assert.equal(jsonErrorOffset('['.repeat(200_000)), 200_000, 'deep nesting needs no stack');
  assert.deepEqual(lineColumn('{\n  "a": x\n}', 9), { line: 2, column: 8 });
  assert.deepEqual(lineColumn('x', 0), { line: 1, column: 1 });
});

test('docker config keys: Docker Hub aliases, URLs, ports and repository prefixes', () => {
  const hub = { registry: 'docker.io', path: 'library/nginx' };
  for (const key of ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'https://registry-1.docker.io'])
    assert.equal(matchAuthKey(key, hub), 0, key);
  assert.equal(matchAuthKey('ghcr.io', hub), -1);
  const local = { registry: '127.0.0.1:5000', path: 'team/app' };
  assert.equal(matchAuthKey('127.0.0.1:5000', local), 0);
  assert.equal(matchAuthKey('http://127.0.0.1:5000/v2/', local), 0);
  assert.equal(matchAuthKey('127.0.0.1', local), -1, 'a key without the port is another registry');
  assert.equal(matchAuthKey('127.0.0.1:5000/team', local), 4);
  assert.equal(matchAuthKey('127.0.0.1:5000/team/app', local), 8);
  assert.equal(matchAuthKey('127.0.0.1:5000/tea', local), -1, 'prefixes match whole components');

  const config = parseDockerConfig(
    JSON.stringify({ auths: { 'quay.io': { auth: 'YTpi' }, 'quay.io/org': { auth: 'Yzpk' } }, credHelpers: { 'https://gcr.io': 'gcloud' } }),
  );
  assert.deepEqual(lookupConfig(config, { registry: 'quay.io', path: 'org/app' }), { kind: 'entry', key: 'quay.io/org', entry: config.auths['quay.io/org'] });
  assert.deepEqual(lookupConfig(config, { registry: 'quay.io', path: 'other/app' }), { kind: 'entry', key: 'quay.io', entry: config.auths['quay.io'] });
  assert.deepEqual(lookupConfig(config, { registry: 'gcr.io', path: 'p/i' }), { kind: 'helper', helper: 'gcloud', serverUrl: 'gcr.io' });
  assert.deepEqual(lookupConfig(config, { registry: 'ghcr.io', path: 'a' }), { kind: 'none' });
  const store = parseDockerConfig(JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'desktop' }));
  assert.deepEqual(lookupConfig(store, { registry: 'docker.io', path: 'library/a' }), {
    kind: 'helper',
    helper: 'desktop',
    serverUrl: 'https://index.docker.io/v1/',
  });
  assert.deepEqual(lookupConfig(store, { registry: 'ghcr.io', path: 'a' }), { kind: 'helper', helper: 'desktop', serverUrl: 'ghcr.io' });
});

test('auth entries: base64 auth, username/password, identity and registry tokens, empty markers', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  assert.deepEqual(credentialFromEntry({ auth: b64('alice:pa:ss') }, 's'), { kind: 'basic', username: 'alice', password: 'pa:ss', source: 's' });
  assert.deepEqual(credentialFromEntry({ username: 'u', password: 'p' }, 's'), { kind: 'basic', username: 'u', password: 'p', source: 's' });
  assert.deepEqual(credentialFromEntry({ auth: b64('u:'), identitytoken: 'tok' }, 's'), { kind: 'identityToken', username: 'u', token: 'tok', source: 's' });
  assert.deepEqual(credentialFromEntry({ registrytoken: 'bearer' }, 's'), { kind: 'registryToken', token: 'bearer', source: 's' });
  assert.equal(credentialFromEntry({}, 's').kind, 'anonymous');
  assert.equal(credentialFromEntry({ auth: b64('nocolon') }, 's').kind, 'anonymous');
});

test('credential helper output: Username and Secret, "<token>" kept for the caller', () => {
  assert.deepEqual(parseHelperOutput('{"ServerURL":"x","Username":"u","Secret":"s"}'), { username: 'u', secret: 's' });
  assert.deepEqual(parseHelperOutput('{"Username":"<token>","Secret":"t"}'), { username: '<token>', secret: 't' });
  assert.equal(parseHelperOutput('{"Username":"u"}'), undefined);
  assert.equal(parseHelperOutput('credentials not found'), undefined);
});

test('the default keychain reads DOCKER_CONFIG before podman files, and says why it is anonymous', async () => {
  const home = mkdtempSync(join(tmpdir(), 'image-aware-keychain-'));
  try {
    const env = { HOME: home, XDG_RUNTIME_DIR: join(home, 'run'), DOCKER_CONFIG: join(home, 'dc') };
    assert.deepEqual(
      defaultCredentialFiles({ env }).map((f) => f.file),
      [join(home, 'dc', 'config.json'), join(home, 'run', 'containers', 'auth.json'), join(home, '.config', 'containers', 'auth.json')],
    );
    mkdirSync(join(home, 'dc'));
    mkdirSync(join(home, 'run', 'containers'), { recursive: true });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    writeFileSync(join(home, 'dc', 'config.json'), JSON.stringify({ auths: { 'a.io': { auth: b64('docker:1') } } }));
    writeFileSync(
      join(home, 'run', 'containers', 'auth.json'),
      JSON.stringify({ auths: { 'a.io': { auth: b64('podman:2') }, 'b.io': { auth: b64('podman:3') } } }),
    );
    const keychain = createDefaultKeychain({ env });
    const a = await keychain.resolve({ registry: 'a.io', path: 'x' });
    assert.equal(a.kind === 'basic' && a.username, 'docker');
    assert.match(a.source, /^docker config auths for a\.io in /);
    const b = await keychain.resolve({ registry: 'b.io', path: 'x' });
    assert.equal(b.kind === 'basic' && b.username, 'podman');
    assert.match(b.source, /^podman auth file auths for b\.io in /);
    assert.deepEqual(await keychain.resolve({ registry: 'c.io', path: 'x' }), { kind: 'anonymous', source: 'anonymous' });

    writeFileSync(join(home, 'dc', 'config.json'), '{ not json');
    const broken = await keychain.resolve({ registry: 'c.io', path: 'x' });
    assert.equal(broken.kind, 'anonymous');
    assert.match(broken.source, /docker config .* is not valid/);
    // An explicit directory wins over DOCKER_CONFIG.
    mkdirSync(join(home, 'explicit'));
    writeFileSync(join(home, 'explicit', 'config.json'), JSON.stringify({ auths: { 'c.io': { auth: b64('explicit:4') } } }));
    const explicit = await createDefaultKeychain({ env, dockerConfigDir: join(home, 'explicit') }).resolve({ registry: 'c.io' });
    assert.equal(explicit.kind === 'basic' && explicit.username, 'explicit');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the cached keychain asks once per registry within its TTL and shares lookups in flight', async () => {
  let calls = 0;
  let time = 0;
  // Lookups stay in flight until the gate opens.
  const gate = deferred();
  const inner: Keychain = {
    resolve: async (target) => {
      calls++;
      await gate.promise;
      return { kind: 'basic', username: target.registry, password: 'p', source: `call ${calls}` } as Credential;
    },
  };
  const keychain = cachedKeychain(inner, 1000, () => time);
  const both = Promise.all([keychain.resolve({ registry: 'a' }), keychain.resolve({ registry: 'a' })]);
  assert.equal(calls, 1, 'the second lookup joins the one in flight');
  gate.resolve();
  const [one, two] = await both;
  assert.equal(one, two);
  await keychain.resolve({ registry: 'b' });
  assert.equal(calls, 2);
  time = 999;
  await keychain.resolve({ registry: 'a' });
  assert.equal(calls, 2);
  time = 1000;
  await keychain.resolve({ registry: 'a' });
  assert.equal(calls, 3);
  keychain.forget('a');
  await keychain.resolve({ registry: 'a' });
  assert.equal(calls, 4);
  const controller = new AbortController();
  controller.abort();
  keychain.forget('a');
  await assert.rejects(keychain.resolve({ registry: 'a' }, controller.signal));
});
