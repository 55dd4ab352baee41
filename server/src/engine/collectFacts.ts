/**
 * Asks a RegistryClient the questions the core lists (core/facts.ts ManifestQuery) and turns the
 * answers and errors into RegistryFacts, the plain data the core features read.
 *
 * Each unique question is asked once per call: queries are deduplicated by their canonical key
 * (`domain/path:tag`, `domain/path@digest`), repositories by `domain/path`. At most `concurrency`
 * questions are in flight at a time (the client also limits per registry). Cancelling the signal
 * stops asking; what was answered by then is returned, so partial facts are still useful.
 * A failed question records its registry's problem (the first one per registry), with a reason for
 * people that names the credentials tried; a cancelled one records nothing.
 * Anonymous-pull questions (images whose pod spec has no imagePullSecrets) are asked last, only for
 * images the registry turned out to have, once per repository: a node has no docker config, so an
 * image the developer's credentials can read may still be one its kubelet cannot pull.
 * Where a registry announced that few pulls are left (core/facts.ts isRateLimitLow), those later questions
 * (tag suggestions, anonymous probes, referrers) are not asked of it; the facts keep each registry's limit.
 */
import { isRateLimitLow } from '../core';
import type {
  AnonymousPullFact,
  AnonymousPullQuery,
  ManifestAnswer,
  ManifestFound,
  ManifestQuery,
  RateLimitFact,
  RegistryFacts,
  RegistryProblem,
  TagListFact,
} from '../core';
import type { ManifestDetail, ManifestInfo, RegistryClient } from '../registry';
import { collectReferrers, referrersQueries, type ReferrersOptions } from './collectReferrers';
import { mapLimit } from './mapLimit';
import { classify } from './registryFailures';
import type { Failure } from './registryFailures';

/** A repository whose tags are wanted, keyed `domain/path`. */
export interface RepositoryQuery {
  readonly key: string;
  readonly registry: string;
  readonly path: string;
}

export interface CollectOptions {
  readonly signal?: AbortSignal;
  /** Questions in flight at once (default 8). */
  readonly concurrency?: number;
  /** How much each manifest answer tells (default `platforms`: per-platform sizes and dates for hovers). */
  readonly detail?: ManifestDetail;
  /** Skip the client's time-limited cache (tag lists, tag → digest). */
  readonly fresh?: boolean;
  /** Repositories whose tag lists are wanted too. */
  readonly tags?: readonly RepositoryQuery[];
  /**
   * When a tag is not found, also list its repository's tags (once per repository): messages can then
   * name the tags that exist, and a repository that does not exist is told apart (distribution answers
   * MANIFEST_UNKNOWN for a manifest of a missing repository; only the tag list says NAME_UNKNOWN).
   */
  readonly listTagsOfMissing?: boolean;
  /**
   * Whether nodes without credentials could pull these images (core/imageSites.ts anonymousPullQueries):
   * asked after the manifests, and only for images found, with one anonymous request per repository.
   */
  readonly anonymousPull?: readonly AnonymousPullQuery[];
  /**
   * Also what is attached to each image found, its index and platforms (collectReferrers.ts): asked after the
   * manifests, once per unique digest, and cached for good by the client.
   */
  readonly referrers?: Pick<ReferrersOptions, 'signatureRepository' | 'verify'>;
}

type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export function toManifestFound(info: ManifestInfo): ManifestFound {
  return {
    status: 'found',
    digest: info.digest,
    mediaType: info.mediaType,
    size: info.size,
    ...(info.totalSize === undefined ? {} : { totalSize: info.totalSize }),
    isIndex: info.isIndex === true,
    platforms: (info.platforms ?? []).map((p) => ({
      os: p.os,
      architecture: p.architecture,
      ...(p.variant === undefined ? {} : { variant: p.variant }),
      digest: p.digest,
      size: p.size,
      ...(p.totalSize === undefined ? {} : { totalSize: p.totalSize }),
      ...(p.created === undefined ? {} : { created: p.created }),
    })),
    ...(info.created === undefined ? {} : { created: info.created }),
    ...(info.isIndex || info.os === undefined || info.architecture === undefined
      ? {}
      : { platform: { os: info.os, architecture: info.architecture, ...(info.variant === undefined ? {} : { variant: info.variant }) } }),
    labels: { ...(info.labels ?? {}) },
    ...(info.isIndex === true || info.os === undefined || info.architecture === undefined ? {} : { os: info.os, architecture: info.architecture }),
    ...(info.isIndex === true || info.variant === undefined ? {} : { variant: info.variant }),
    stale: info.stale,
  };
}

/** Deduplicates by key, keeping the first of each. */
export function uniqueByKey<T extends { readonly key: string }>(items: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(item.key)) seen.set(item.key, item);
  return [...seen.values()];
}

async function attempt<T>(registry: string, work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return classify(registry, error);
  }
}

/** Asks every unique question once and returns what the registries answered. */
export async function collectFacts(queries: readonly ManifestQuery[], client: RegistryClient, options: CollectOptions = {}): Promise<RegistryFacts> {
  const manifests = new Map<string, ManifestAnswer>();
  const tags = new Map<string, TagListFact>();
  // Each job keeps its own problem and the first in query order wins, so the reason names the
  // first image of the registry however the answers raced.
  const found: Array<{ readonly registry: string; readonly problem: RegistryProblem } | undefined> = [];
  const { signal } = options;
  const jobs: Array<() => Promise<void>> = [];
  for (const query of uniqueByKey(queries)) {
    const index = jobs.length;
    jobs.push(async () => {
      const outcome = await attempt(query.registry, () =>
        client.getManifest(
          { registry: query.registry, path: query.path, reference: query.reference },
          { detail: options.detail ?? 'platforms', signal, fresh: options.fresh },
        ),
      );
      if (outcome.ok) manifests.set(query.key, toManifestFound(outcome.value));
      else {
        if (outcome.answer) manifests.set(query.key, outcome.answer);
        if (outcome.problem) found[index] = { registry: query.registry, problem: outcome.problem };
      }
    });
  }
  for (const repository of uniqueByKey(options.tags ?? [])) {
    const index = jobs.length;
    jobs.push(async () => {
      const outcome = await attempt(repository.registry, () =>
        client.listTags({ registry: repository.registry, path: repository.path }, { signal, fresh: options.fresh }),
      );
      if (outcome.ok) tags.set(repository.key, { tags: [...outcome.value.tags], stale: outcome.value.stale });
      else if (outcome.problem) found[index] = { registry: repository.registry, problem: outcome.problem };
    });
  }
  await mapLimit(jobs, options.concurrency ?? 8, (job) => job(), signal);
  const problems = new Map<string, RegistryProblem>();
  for (const entry of found) if (entry && !problems.has(entry.registry)) problems.set(entry.registry, entry.problem);
  // Where the registry said few pulls are left, what can wait (tag suggestions, anonymous probes, referrers) waits.
  const asked = new Set([...queries.map((q) => q.registry), ...(options.tags ?? []).map((r) => r.registry)]);
  const low = new Set([...asked].filter((registry) => isRateLimitLow(client.rateLimit(registry))));
  const spare = <T extends { readonly registry: string }>(items: readonly T[]): T[] => items.filter((item) => !low.has(item.registry));
  if (options.listTagsOfMissing) {
    const missing = spare(uniqueByKey(queries)).filter((q) => !q.reference.includes(':') && manifests.get(q.key)?.status === 'not-found');
    const repositories = uniqueByKey(missing.map((q) => ({ key: `${q.registry}/${q.path}`, registry: q.registry, path: q.path }))).filter(
      (r) => !tags.has(r.key),
    );
    await mapLimit(
      repositories,
      options.concurrency ?? 8,
      async (repository) => {
        const outcome = await attempt(repository.registry, () =>
          client.listTags({ registry: repository.registry, path: repository.path }, { signal, fresh: options.fresh }),
        );
        if (outcome.ok) tags.set(repository.key, { tags: [...outcome.value.tags], stale: outcome.value.stale });
        else if (outcome.answer?.status === 'not-found' && outcome.answer.unknown === 'repository') {
          for (const query of missing) if (`${query.registry}/${query.path}` === repository.key) manifests.set(query.key, outcome.answer);
        }
      },
      signal,
    );
  }
  const anonymous = options.anonymousPull
    ? (await collectAnonymousPull(spare(options.anonymousPull), { manifests, tags, problems, anonymous: new Map(), referrers: new Map() }, client, options))
        .anonymous
    : new Map();
  const referrers = options.referrers
    ? (
        await collectReferrers(referrersQueries(spare(uniqueByKey(queries)), manifests), client, {
          ...options.referrers,
          signal,
          concurrency: options.concurrency,
          fresh: options.fresh,
        })
      ).referrers
    : new Map();
  const rateLimits = new Map<string, RateLimitFact>();
  for (const registry of asked) {
    const limit = client.rateLimit(registry);
    if (limit !== undefined) rateLimits.set(registry, { ...limit });
  }
  return { manifests, tags, problems, anonymous, referrers, ...(rateLimits.size > 0 ? { rateLimits } : {}) };
}

/**
 * Asks, once per repository, whether a client without credentials may pull: only for the queries whose
 * image `answered` says the registry has (a missing image or a refusal is reported from its manifest
 * answer already). The client caches the answer per repository and makes no request when a request
 * without credentials to the repository was answered before. A probe that fails records nothing.
 * Returns facts holding only the anonymous-pull answers, to merge with `answered`.
 */
export async function collectAnonymousPull(
  queries: readonly AnonymousPullQuery[],
  answered: RegistryFacts,
  client: RegistryClient,
  options: Pick<CollectOptions, 'signal' | 'concurrency' | 'fresh'> = {},
): Promise<RegistryFacts> {
  const anonymous = new Map<string, AnonymousPullFact>();
  const probes = uniqueByKey(queries.filter((query) => answered.manifests.get(query.manifestKey)?.status === 'found'));
  await mapLimit(
    probes,
    options.concurrency ?? 8,
    async (query) => {
      const outcome = await attempt(query.registry, () =>
        client.requiresAuth({ registry: query.registry, path: query.path, reference: query.reference }, { signal: options.signal, fresh: options.fresh }),
      );
      if (outcome.ok) anonymous.set(query.key, { allowed: !outcome.value.required, stale: outcome.value.stale });
    },
    options.signal,
  );
  return { manifests: new Map(), tags: new Map(), problems: new Map(), anonymous, referrers: new Map() };
}

/** The tags of one repository, for completion; a failure leaves only the registry's problem. */
export function collectTags(
  repository: RepositoryQuery,
  client: RegistryClient,
  options: Omit<CollectOptions, 'tags' | 'detail'> = {},
): Promise<RegistryFacts> {
  return collectFacts([], client, { ...options, tags: [repository] });
}
