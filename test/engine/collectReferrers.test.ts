/**
 * collectReferrers and collectFacts' `referrers` option against a real registry (distribution 2.8.2 on loopback,
 * reached through a counting proxy): one lookup per unique repository and digest, answers cached for good by the
 * client (a second collection sends no request), referrers filed under the digest they refer to (BuildKit
 * attestations under each platform, a signature under the index), a signature repository merged in, and failures
 * told apart from "nothing attached".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, factQueries, isSigned, referrersOf } from '../../server/src/core';
import { collectFacts, collectReferrers } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { ManifestRef, RegistryClient, ReferrersRequestOptions } from '../../server/src/registry';
import {
  proxy,
  pushCosignTag,
  pushImage,
  pushIndex,
  registryError,
  signingKey,
  simpleSigningLayer,
  startMisbehavingServer,
  startRegistry,
} from '../helpers/registry';
import type { MisbehavingServer, PushedIndex, RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
let front: MisbehavingServer;
let index: PushedIndex;
let home: string;
const clients: RegistryClient[] = [];
const key = signingKey().privateKey;

before(async () => {
  registry = await startRegistry();
  front = await startMisbehavingServer(proxy(registry));
  home = mkdtempSync(join(tmpdir(), 'image-aware-collect-referrers-'));
  index = await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64'], { attestations: true });
  await pushCosignTag(registry, 'team/multi', index.digest, 'sig', [simpleSigningLayer('team/multi', index.digest, key)]);
});

after(async () => {
  for (const client of clients) client.close();
  await front?.stop();
  await registry?.stop();
  rmSync(home, { recursive: true, force: true });
});

function countingClient(): { client: RegistryClient; lookups: string[] } {
  const real = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0 });
  clients.push(real);
  const lookups: string[] = [];
  const client: RegistryClient = {
    listTags: (repository, options) => real.listTags(repository, options),
    getManifest: (ref, options) => real.getManifest(ref, options),
    requiresAuth: (ref, options) => real.requiresAuth(ref, options),
    listReferrers: (ref: ManifestRef, options?: ReferrersRequestOptions) => {
      lookups.push(`${ref.path}@${ref.reference}`);
      return real.listReferrers(ref, options);
    },
    rateLimit: (registry) => real.rateLimit(registry),
    close: () => real.close(),
  };
  return { client, lookups };
}

function pod(images: readonly string[]): string {
  const containers = images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n${containers}`;
}

test('one lookup per unique digest; referrers filed under the digest they refer to; a second collection asks nothing', async () => {
  const { client, lookups } = countingClient();
  const host = front.host;
  // The same index by tag and by digest, twice: three manifest queries, one index, two platforms.
  const text = pod([`${host}/team/multi:v1`, `${host}/team/multi@${index.digest}`, `${host}/team/multi:v1`]);
  const queries = factQueries(analyze(text, { maxFileSize: 1 << 20 }));
  front.resetRequests();
  const facts = await collectFacts(queries, client, { referrers: {} });
  assert.deepEqual(lookups.sort(), [index.digest, ...index.images.map((image) => image.digest)].map((digest) => `team/multi@${digest}`).sort());

  const repo = { domain: host, path: 'team/multi' };
  const own = referrersOf(facts, repo, index.digest);
  assert.equal(own?.status, 'found');
  assert.deepEqual(own?.status === 'found' && own.referrers.map((referrer) => [referrer.kind, referrer.source]), [['signature', 'cosign-tag']]);
  assert.equal(isSigned(own), true);
  for (const [position, image] of index.images.entries()) {
    const platform = referrersOf(facts, repo, image.digest);
    assert.equal(isSigned(platform), false);
    assert.deepEqual(
      platform?.status === 'found' &&
        platform.referrers.map((referrer) => [referrer.digest, referrer.kind, referrer.contents.map((content) => content.format).join('+')]),
      [[index.attestations[position].digest, 'attestation', 'SPDX+SLSA v0.2']],
    );
  }

  // Cached for good: the same collection with the same client sends no referrers request.
  const before = front.requests.filter((request) => request.path.includes('/referrers/') || request.path.includes('/manifests/sha256-')).length;
  assert.ok(before > 0);
  const again = await collectFacts(queries, client, { referrers: {} });
  const after = front.requests.filter((request) => request.path.includes('/referrers/') || request.path.includes('/manifests/sha256-')).length;
  assert.equal(after, before);
  assert.deepEqual(again.referrers, facts.referrers);
});

test('a signature repository is asked for the same digests and what it holds joins the image facts', async () => {
  const image = await pushImage(registry, 'team/app', 'v1');
  await pushCosignTag(registry, 'team/sigs', image.digest, 'sig', [simpleSigningLayer('team/app', image.digest, key)]);
  const { client, lookups } = countingClient();
  const query = { key: `${registry.host}/team/app@${image.digest}`, registry: registry.host, path: 'team/app', digest: image.digest };
  const without = await collectReferrers([query], client);
  assert.equal(isSigned(without.referrers.get(query.key)), false);
  const facts = await collectReferrers([query], client, { signatureRepository: () => ({ registry: registry.host, path: 'team/sigs' }) });
  const answer = facts.referrers.get(query.key);
  assert.equal(isSigned(answer), true);
  assert.equal(answer?.status === 'found' && answer.referrers[0].repository, `${registry.host}/team/sigs`);
  assert.deepEqual(lookups, [`team/app@${image.digest}`, `team/app@${image.digest}`, `team/sigs@${image.digest}`]);
});

test('a failed lookup is a failed answer with a reason; a failed signature repository only adds a note', async () => {
  const image = await pushImage(registry, 'team/locked', 'v1');
  const locked = await startMisbehavingServer(proxy(registry));
  locked.on(/^\/v2\/team\/(locked|sigs)\/(referrers|manifests\/sha256-)/, registryError(403, 'DENIED', 'no access'));
  try {
    const { client } = countingClient();
    const query = { key: `${locked.host}/team/locked@${image.digest}`, registry: locked.host, path: 'team/locked', digest: image.digest };
    const failed = (await collectReferrers([query], client)).referrers.get(query.key);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.status === 'failed' ? failed.reason : '', /denied access \(tried anonymous\)\./);

    const open = { key: `${registry.host}/team/locked@${image.digest}`, registry: registry.host, path: 'team/locked', digest: image.digest };
    const noted = (await collectReferrers([open], client, { signatureRepository: () => ({ registry: locked.host, path: 'team/sigs' }) })).referrers.get(
      open.key,
    );
    assert.equal(noted?.status, 'found');
    assert.match(noted?.status === 'found' ? noted.notes.join(' ') : '', /^The signature repository .*team\/sigs could not be read: .*denied access/);
  } finally {
    await locked.stop();
  }
});
