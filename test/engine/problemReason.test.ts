/**
 * Registry failures in words for people (engine/problemReason.ts through collectFacts): the real
 * client against loopback servers for a refused connection, a certificate nobody trusts and a server
 * that speaks plain HTTP where TLS is expected; the system codes that loopback cannot produce (DNS)
 * through RegistryErrors as the client makes them. The host is always the one the image writes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import { factQueries } from '../../server/src/core/imageSites';
import { collectFacts } from '../../server/src/engine';
import { classify } from '../../server/src/engine/registryFailures';
import { createRegistryClient, RegistryError } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { json, startMisbehavingServer } from '../helpers/registry';
import type { MisbehavingServer } from '../helpers/registry';
import { createTlsFiles } from '../helpers/registry/certificates';

let home: string;
let untrusted: MisbehavingServer;
const clients: RegistryClient[] = [];

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'image-aware-reasons-'));
  untrusted = await startMisbehavingServer(json(200, {}), createTlsFiles(home));
});

after(async () => {
  for (const client of clients) client.close();
  await untrusted?.stop();
  rmSync(home, { recursive: true, force: true });
});

function client(): RegistryClient {
  const real = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0 });
  clients.push(real);
  return real;
}

async function reasonFor(host: string): Promise<string | undefined> {
  const text = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${host}/team/app:1\n`;
  const facts = await collectFacts(factQueries(analyze(text, { maxFileSize: 1 << 20 })), client());
  return facts.problems.get(host)?.reason;
}

test('a closed port: the registry refused the connection', async () => {
  const closed = await startMisbehavingServer();
  await closed.stop();
  assert.equal(await reasonFor(closed.host), `${closed.host} refused the connection.`);
});

test('TLS with a certificate from a CA nobody configured: not trusted, unknown issuer', async () => {
  // 127.0.0.1 may fall back to plain HTTP only when the server answers in plain HTTP; this one speaks TLS.
  assert.equal(await reasonFor(untrusted.host), `${untrusted.host}: its certificate is not trusted (unknown issuer).`);
});

test('system and TLS codes in words, the host as the image writes it (not lower-cased), no errno in sight', () => {
  const failure = (code: RegistryError['code'], cause?: string, more: Partial<{ status: number; triedCredentials: string }> = {}) =>
    classify(
      'Envoyproxy',
      new RegistryError({ code, registry: 'envoyproxy', message: `envoyproxy is unreachable: ${cause}`, cause: cause && { code: cause }, ...more }),
    ).problem;
  assert.deepEqual(failure('UNREACHABLE', 'ENOTFOUND'), { kind: 'unreachable', reason: 'Envoyproxy could not be reached: no such host (DNS).' });
  assert.deepEqual(failure('UNREACHABLE', 'EAI_AGAIN'), { kind: 'unreachable', reason: 'Envoyproxy could not be reached: no such host (DNS).' });
  assert.equal(failure('UNREACHABLE', 'ECONNREFUSED')?.reason, 'Envoyproxy refused the connection.');
  assert.equal(failure('UNREACHABLE', 'ETIMEDOUT')?.reason, 'Envoyproxy did not answer.');
  assert.equal(failure('UNREACHABLE', 'ECONNRESET')?.reason, 'Envoyproxy closed the connection.');
  assert.deepEqual(failure('TIMEOUT'), { kind: 'timeout', reason: 'Envoyproxy did not answer in time.' });
  assert.deepEqual(failure('TLS', 'DEPTH_ZERO_SELF_SIGNED_CERT'), { kind: 'tls', reason: 'Envoyproxy: its certificate is not trusted (self-signed).' });
  assert.equal(failure('TLS', 'CERT_HAS_EXPIRED')?.reason, 'Envoyproxy: its certificate has expired.');
  assert.equal(failure('TLS', 'ERR_TLS_CERT_ALTNAME_INVALID')?.reason, 'Envoyproxy: its certificate is for another host name.');
  assert.deepEqual(failure('UNAUTHORIZED', undefined, { status: 401, triedCredentials: 'docker config auths for Envoyproxy' }), {
    kind: 'unauthorized',
    reason: 'Envoyproxy refused access (tried docker config auths for Envoyproxy).',
  });
  assert.equal(failure('DENIED', undefined, { status: 403 })?.reason, 'Envoyproxy denied access (tried anonymous).');
  assert.deepEqual(failure('TOOMANYREQUESTS', undefined, { status: 429 }), {
    kind: 'too-many-requests',
    reason: 'Envoyproxy asked to slow down (too many requests).',
  });
  assert.equal(failure('SERVER_ERROR', undefined, { status: 502 })?.reason, 'Envoyproxy failed (server error 502).');
  for (const code of ['ENOTFOUND', 'ECONNREFUSED', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
    assert.doesNotMatch(failure(code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'TLS' : 'UNREACHABLE', code)?.reason ?? '', /[A-Z]{5,}|envoyproxy/);
  }
});
