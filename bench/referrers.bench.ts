/**
 * Referrers benchmark: what asking "what is attached" costs, against a real registry on loopback (CNCF
 * distribution, as the tests start it), by both discovery paths: the referrers API (a referrers endpoint in front
 * of the registry) and the referrers tag schema (the registry itself, whose API answers 404).
 *
 *   tsc -b && node scripts/build.mjs && node out/bench/referrers.bench.js [--runs N] [--repos N]
 *
 * The document: one Deployment naming `--repos` images (10), each a two-platform index with BuildKit attestations
 * and a cosign signature tag, each named twice (by tag and by tag@digest): 30 unique digests (10 indexes, 20
 * platform images). A counting proxy sees every request.
 * - Requests: a cold collection (new client, empty cache) must make exactly one referrers lookup per unique digest
 *   (one API request, or one fallback-tag request, per digest; checked and printed) plus cosign's three tags per
 *   digest and one read per attestation manifest; a second collection with the same client, and one with a new
 *   client on the filled cache directory, make none (cached for good).
 * - Time added per hover: a hover waits for its document's facts, so the cost is collectFacts with referrers minus
 *   collectFacts without, cold (new client, empty cache) and warm (a new client on the filled cache directory: a
 *   restarted server), per document and per image; and computeHover with the attachment line versus without.
 * Every time is the median of N interleaved runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze, factQueries } from '../server/src/core';
import type { RegistryFacts } from '../server/src/core';
import { computeHover } from '../server/src/core/features/hover';
import { collectFacts } from '../server/src/engine';
import { createRegistryClient } from '../server/src/registry';
import type { RegistryClient } from '../server/src/registry';
import {
  proxy,
  pushCosignTag,
  pushIndex,
  signingKey,
  simpleSigningLayer,
  startMisbehavingServer,
  startReferrersServer,
  startRegistry,
} from '../test/helpers/registry';
import type { MisbehavingServer, PushedIndex } from '../test/helpers/registry';
import { median, ms, option, table, timeInterleaved, verdict } from './harness';

const RUNS = option('--runs', 7);
const REPOS = option('--repos', 10);

function temporaryDir(cleanups: Array<() => void>): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-referrers-bench-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function documentOf(host: string, indexes: readonly PushedIndex[]): string {
  const containers = indexes.flatMap((index, i) => [
    `        - name: t${i}\n          image: ${host}/bench/app${i}:v1\n`,
    `        - name: d${i}\n          image: ${host}/bench/app${i}:v1@${index.digest}\n`,
  ]);
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n${containers.join('')}`;
}

type Category = 'referrers API' | 'fallback tag' | 'cosign tags' | 'attestation reads' | 'other';

function categoryOf(path: string, attestations: ReadonlySet<string>): Category {
  if (path.includes('/referrers/')) return 'referrers API';
  if (/\/manifests\/sha256-[0-9a-f]{64}$/.test(path)) return 'fallback tag';
  if (/\/manifests\/sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.test(path)) return 'cosign tags';
  const digest = /\/manifests\/(sha256:[0-9a-f]{64})$/.exec(path)?.[1];
  if (digest !== undefined && attestations.has(digest)) return 'attestation reads';
  return 'other';
}

function counts(server: MisbehavingServer, from: number, attestations: ReadonlySet<string>): Record<Category, number> {
  const result: Record<Category, number> = { 'referrers API': 0, 'fallback tag': 0, 'cosign tags': 0, 'attestation reads': 0, other: 0 };
  for (const request of server.requests.slice(from)) result[categoryOf(request.path, attestations)]++;
  return result;
}

async function main(): Promise<void> {
  const cleanups: Array<() => void> = [];
  const registry = await startRegistry();
  const api = await startReferrersServer(registry);
  const tagPath = await startMisbehavingServer(proxy(registry));
  const key = signingKey().privateKey;
  const indexes: PushedIndex[] = [];
  for (let i = 0; i < REPOS; i++) {
    const index = await pushIndex(registry, `bench/app${i}`, 'v1', ['linux/amd64', 'linux/arm64'], { attestations: true });
    await pushCosignTag(registry, `bench/app${i}`, index.digest, 'sig', [simpleSigningLayer(`bench/app${i}`, index.digest, key)]);
    indexes.push(index);
  }
  const attestations = new Set(indexes.flatMap((index) => index.attestations.map((attestation) => attestation.digest)));
  const uniqueDigests = indexes.length * 3;
  const newClient = (cacheDir: string): RegistryClient => {
    const client = createRegistryClient({ cacheDir, env: { HOME: cacheDir, PATH: process.env.PATH }, maxRetries: 0 });
    cleanups.push(() => client.close());
    return client;
  };

  console.log(`Referrers benchmark: ${REPOS} two-platform indexes, each named twice (${uniqueDigests} unique digests), ${RUNS} runs`);
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  // ---- Requests per unique digest ----
  const rows: string[][] = [];
  let oneLookupEach = true;
  let cachedForGood = true;
  for (const [name, server] of [
    ['referrers API', api],
    ['referrers tag', tagPath],
  ] as const) {
    const queries = factQueries(analyze(documentOf(server.host, indexes), { maxFileSize: 1 << 20 }));
    const cacheDir = temporaryDir(cleanups);
    const client = newClient(cacheDir);
    await collectFacts(queries, client); // manifests cached, so what follows counts referrers only
    let from = server.requests.length;
    const facts = await collectFacts(queries, client, { referrers: {} });
    const cold = counts(server, from, attestations);
    from = server.requests.length;
    await collectFacts(queries, client, { referrers: {} });
    const warmMemory = server.requests.length - from;
    from = server.requests.length;
    await collectFacts(queries, newClient(cacheDir), { referrers: {} });
    const warmDisk = server.requests.length - from;
    const lookups = name === 'referrers API' ? cold['referrers API'] : cold['fallback tag'];
    oneLookupEach &&= lookups === uniqueDigests && (name === 'referrers tag' ? cold['referrers API'] === uniqueDigests : true);
    cachedForGood &&= warmMemory === 0 && warmDisk === 0;
    const total = Object.values(cold).reduce((sum, n) => sum + n, 0);
    rows.push([
      name,
      String(facts.referrers.size),
      String(cold['referrers API']),
      String(cold['fallback tag']),
      String(cold['cosign tags']),
      String(cold['attestation reads']),
      String(cold.other),
      (total / uniqueDigests).toFixed(2),
      String(warmMemory),
      String(warmDisk),
    ]);
  }
  console.log(table(['path', 'subjects', 'API', 'fallback', 'cosign tags', 'attest. reads', 'other', 'per digest', 'warm (memory)', 'warm (disk)'], rows));
  console.log(`\none referrers lookup per unique digest: ${verdict(oneLookupEach)}; cached for good (no request when warm): ${verdict(cachedForGood)}\n`);

  // ---- Time added per hover ----
  const queries = factQueries(analyze(documentOf(api.host, indexes), { maxFileSize: 1 << 20 }));
  const filled = temporaryDir(cleanups);
  await collectFacts(queries, newClient(filled), { referrers: {} });
  const timings = await timeInterleaved([
    { name: 'cold, manifests only', warmup: 1, runs: RUNS, fn: () => collectFacts(queries, newClient(temporaryDir(cleanups))) },
    { name: 'cold, with referrers', warmup: 1, runs: RUNS, fn: () => collectFacts(queries, newClient(temporaryDir(cleanups)), { referrers: {} }) },
    { name: 'warm, manifests only', warmup: 1, runs: RUNS, fn: () => collectFacts(queries, newClient(filled)) },
    { name: 'warm, with referrers', warmup: 1, runs: RUNS, fn: () => collectFacts(queries, newClient(filled), { referrers: {} }) },
  ]);
  const get = (name: string): number => timings.get(name)!.median;
  const coldAdded = get('cold, with referrers') - get('cold, manifests only');
  const warmAdded = get('warm, with referrers') - get('warm, manifests only');
  console.log(
    table(
      ['facts of the document', 'manifests only ms', 'with referrers ms', 'added ms', 'added per image ms'],
      [
        ['cold (new client, empty cache)', ms(get('cold, manifests only')), ms(get('cold, with referrers')), ms(coldAdded), ms(coldAdded / REPOS)],
        ['warm (new client, filled cache)', ms(get('warm, manifests only')), ms(get('warm, with referrers')), ms(warmAdded), ms(warmAdded / REPOS)],
      ],
    ),
  );

  // The hover itself: the attachment line is pure work on facts already there.
  const text = documentOf(api.host, indexes);
  const analysis = analyze(text, { maxFileSize: 1 << 20 });
  const withReferrers: RegistryFacts = await collectFacts(queries, newClient(filled), { referrers: {} });
  const withoutReferrers: RegistryFacts = { ...withReferrers, referrers: new Map() };
  const offset = text.indexOf(`${api.host}/bench/app0:v1`) + 3;
  const sample = (facts: RegistryFacts): number => {
    const samples: number[] = [];
    for (let run = 0; run < 200; run++) {
      const start = performance.now();
      computeHover(analysis, offset, facts);
      samples.push(performance.now() - start);
    }
    return median(samples.slice(20));
  };
  const hoverWith = sample(withReferrers);
  const hoverWithout = sample(withoutReferrers);
  const hover = computeHover(analysis, offset, withReferrers);
  const line = hover?.markdown.split('\n').find((l) => l.startsWith('**Attached**')) ?? '(none)';
  console.log(`\ncomputeHover: ${ms(hoverWithout)} ms without referrers, ${ms(hoverWith)} ms with (median of 180); the line: ${line}`);

  for (const cleanup of cleanups.reverse()) cleanup();
  await Promise.all([api.stop(), tagPath.stop()]);
  await registry.stop();
  if (!oneLookupEach || !cachedForGood) process.exitCode = 1;
}

void main();
