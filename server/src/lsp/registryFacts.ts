/**
 * The server's view of the registries: it owns the RegistryClient (created on first use, with the
 * global registry settings, and created again when they change) and the RegistryFacts last fetched
 * for each open document. Diagnostics, hovers and code actions read those facts without waiting;
 * `refresh` fetches a document's facts in the background (one fetch per document at a time, the
 * older one aborted), including whether nodes without credentials could pull the images whose pod
 * spec has no imagePullSecrets, and what is attached to each image found (its signatures, SBOMs, provenance: once
 * per digest, cached for good by the client, also in its signature repository), and completion asks for tags or
 * one tag's digest on demand, cancellable. Signatures of images whose repository has trusted keys
 * (imageAware.signatures.keys) are verified as they are found (signatures/).
 * After a push, `tagPushed` asks for the pushed tag again and hands the answer to every document.
 * Each fetch also tells `status` (registryStatus.ts) how each registry answered, for the status bar.
 * With `imageAware.registry.online` false no client exists and nothing is ever asked.
 */
import type { Analysis, CompletionNeed, ImageReference, PlatformTargets, RegistryFacts, RegistrySettings, SignatureSettings } from '../core';
import {
  anonymousPullQueries,
  DEFAULT_SETTINGS,
  factQueries,
  mergeRegistryFacts,
  NO_FACTS,
  referenceQueries,
  signatureRepositoryFor,
  withTargets,
} from '../core';
import { dirname } from 'node:path';
import { collectFacts, collectTags } from '../engine';
import { createSignatureVerifier, trustsSigners } from '../signatures';
import { pathOf } from './paths';
import type { RegistryClient, RegistryClientOptions } from '../registry';
import { RegistryStatus } from './registryStatus';

export type RegistryClientFactory = (options: RegistryClientOptions) => RegistryClient;

export interface RegistryServiceOptions {
  readonly createClient: RegistryClientFactory;
  /** Where the client keeps its cache across sessions. */
  readonly cacheDir: string;
  readonly log: (message: string) => void;
  /** Log every HTTP exchange (IMAGE_AWARE_TRACE). */
  readonly trace: boolean;
  /** COSIGN_REPOSITORY of the server's environment: where signatures are kept for every image. */
  readonly cosignRepository?: string;
  /** The workspace folder holding a file, which trusted key files are named relative to. */
  readonly folderOf?: (path: string) => string | null;
}

/** How long a document's facts count as current when its questions have not changed. */
const RECHECK_MS = 60_000;

/** Unique questions asked per document: a generated file with thousands of images must not flood a registry. */
export const MAX_QUERIES_PER_DOCUMENT = 256;

interface DocumentFacts {
  readonly keys: string;
  readonly fetchedAt: number;
  readonly facts: RegistryFacts;
}

export class RegistryService {
  private client: RegistryClient | null = null;
  private clientKey = '';
  private readonly byUri = new Map<string, DocumentFacts>();
  private readonly running = new Map<string, { controller: AbortController; keys: string; done: Promise<RegistryFacts | null> }>();
  private disposed = false;
  /** How each registry the open documents ask answered last. */
  readonly status = new RegistryStatus();
  private nodeTargets: PlatformTargets | null = null;

  constructor(private readonly options: RegistryServiceOptions) {}

  /** The facts last fetched for a document, or none. Never waits and never asks a registry. */
  factsOf(uri: string): RegistryFacts {
    return this.withNodeTargets(this.byUri.get(uri)?.facts ?? NO_FACTS);
  }

  /** The facts with the platforms of the picked cluster's nodes as their targets: those the client sent last, or none. */
  withNodeTargets(facts: RegistryFacts): RegistryFacts {
    const { targets: _earlier, ...rest } = facts;
    return withTargets(rest, this.nodeTargets);
  }

  /** The platforms of the picked cluster's nodes (commands.ts imageAware.nodePlatforms); null for none. */
  setNodeTargets(targets: PlatformTargets | null): void {
    this.nodeTargets = targets;
  }

  /** Where a document's trusted key files are named from: its workspace folder, else its own folder. */
  private keyBaseDir(uri: string): string {
    const path = pathOf(uri);
    if (path === null) return process.cwd();
    return this.options.folderOf?.(path) ?? dirname(path);
  }

  /** The fetch running for a document, if any (hovers wait for it a little). */
  pending(uri: string): Promise<RegistryFacts | null> | undefined {
    return this.running.get(uri)?.done;
  }

  /**
   * Fetches the facts a document's images need, unless the same questions were answered less than
   * RECHECK_MS ago (`fresh` asks again regardless, bypassing the client's tag cache too).
   * Resolves with the new facts, or null when nothing was fetched or the fetch was superseded.
   */
  refresh(
    uri: string,
    analysis: Analysis,
    settings: RegistrySettings,
    fresh = false,
    signatures: SignatureSettings = DEFAULT_SETTINGS.signatures,
  ): Promise<RegistryFacts | null> {
    if (!settings.online || this.disposed) {
      this.status.forget(uri);
      return Promise.resolve(null);
    }
    const all = factQueries(analysis);
    const queries = all.slice(0, MAX_QUERIES_PER_DOCUMENT);
    // Adding or removing imagePullSecrets changes these, so it asks again.
    const anonymousPull = anonymousPullQueries(analysis).slice(0, MAX_QUERIES_PER_DOCUMENT);
    // A change of signature repositories asks again, too.
    const keys = [...queries.map((q) => q.key), ...anonymousPull.map((q) => `anonymous ${q.manifestKey}`), `signatures ${JSON.stringify(signatures)}`].join(
      '\n',
    );
    const known = this.byUri.get(uri);
    if (queries.length === 0) {
      this.abort(uri);
      this.byUri.delete(uri);
      this.status.forget(uri);
      return Promise.resolve(null);
    }
    if (!fresh && known && known.keys === keys && Date.now() - known.fetchedAt < RECHECK_MS) return Promise.resolve(null);
    const current = this.running.get(uri);
    if (!fresh && current?.keys === keys) return current.done;
    this.abort(uri);
    if (all.length > queries.length)
      this.options.log(`${uri} names ${all.length} different images; only the first ${queries.length} are checked against their registries.`);
    const controller = new AbortController();
    const client = this.clientFor(settings);
    const signatureRepository = (registry: string, path: string): { registry: string; path: string } | null => {
      const found = signatureRepositoryFor(`${registry}/${path}`, signatures.repositories, this.options.cosignRepository);
      return found === null ? null : { registry: found.domain, path: found.path };
    };
    const verify = trustsSigners(signatures) ? createSignatureVerifier(signatures, this.keyBaseDir(uri)) : undefined;
    const done = collectFacts(queries, client, {
      signal: controller.signal,
      fresh,
      listTagsOfMissing: true,
      anonymousPull,
      referrers: { signatureRepository, ...(verify ? { verify } : {}) },
    }).then(
      (facts) => {
        if (controller.signal.aborted || this.disposed) return null;
        this.byUri.set(uri, { keys, fetchedAt: Date.now(), facts });
        this.status.record(
          uri,
          queries.map((q) => q.registry),
          facts,
          new Date(),
        );
        return facts;
      },
      (error: unknown) => {
        this.options.log(`Asking the registries for ${uri} failed: ${String(error)}`);
        return null;
      },
    );
    const entry = { controller, keys, done };
    this.running.set(uri, entry);
    void done.finally(() => {
      if (this.running.get(uri) === entry) this.running.delete(uri);
    });
    return done;
  }

  /** Asks what completion at a cursor needs (a tag list, or one tag's manifest), cancellable through signal. */
  async completionFacts(uri: string, need: CompletionNeed, settings: RegistrySettings, signal: AbortSignal): Promise<RegistryFacts> {
    const known = this.factsOf(uri);
    if (!settings.online || this.disposed) return known;
    if (need.kind === 'manifest' && known.manifests.get(need.query.key)?.status === 'found') return known;
    const client = this.clientFor(settings);
    const asked =
      need.kind === 'tags'
        ? await collectTags({ key: need.key, registry: need.registry, path: need.path }, client, { signal })
        : await collectFacts([need.query], client, { signal, detail: 'manifest' });
    return mergeRegistryFacts(known, asked);
  }

  /**
   * A tag was just pushed: asks the registry what it names now, past the client's tag cache (one HEAD when the
   * pushed manifest is new, plus what `platforms` reads of it), and puts the answer into the facts of every
   * document that knew the tag, so none shows what it named before, least of all the image about to be pinned
   * to the pushed digest. Fetches still running for documents that ask about the tag may hold the old answer:
   * they are aborted, to run again when the documents are published again. Resolves with whether anything was
   * asked (not when offline, or for a reference with a digest).
   */
  async tagPushed(ref: ImageReference, settings: RegistrySettings): Promise<boolean> {
    if (!settings.online || this.disposed || ref.digest !== null) return false;
    const [query] = referenceQueries(ref);
    const asked = await collectFacts([query], this.clientFor(settings), { fresh: true });
    const answer = asked.manifests.get(query.key);
    // A failure says nothing new about the tag: what the documents knew stays.
    if (answer !== undefined && answer.status !== 'failed') {
      const update = { ...NO_FACTS, manifests: asked.manifests };
      for (const [uri, known] of this.byUri) {
        if (known.facts.manifests.has(query.key)) this.byUri.set(uri, { ...known, facts: mergeRegistryFacts(known.facts, update) });
      }
    }
    for (const [uri, running] of [...this.running]) if (running.keys.split('\n').includes(query.key)) this.abort(uri);
    return true;
  }

  /** The client for pinning and other use cases outside a document; null when offline. */
  clientIfOnline(settings: RegistrySettings): RegistryClient | null {
    return settings.online && !this.disposed ? this.clientFor(settings) : null;
  }

  /** Forgets a closed document. */
  forget(uri: string): void {
    this.abort(uri);
    this.byUri.delete(uri);
    this.status.forget(uri);
  }

  dispose(): void {
    this.disposed = true;
    this.status.dispose();
    for (const uri of [...this.running.keys()]) this.abort(uri);
    this.client?.close();
    this.client = null;
  }

  private abort(uri: string): void {
    this.running.get(uri)?.controller.abort();
    this.running.delete(uri);
  }

  /** The client for these settings; a change of insecure registries or CA files makes a new one. */
  private clientFor(settings: RegistrySettings): RegistryClient {
    const key = JSON.stringify([settings.insecureRegistries, settings.caFiles]);
    if (this.client && this.clientKey === key) return this.client;
    this.client?.close();
    const { log, trace } = this.options;
    this.client = this.options.createClient({
      cacheDir: this.options.cacheDir,
      insecureRegistries: settings.insecureRegistries,
      caFiles: settings.caFiles,
      onRequest: trace ? (event) => log(`registry: ${event.method} ${event.url} → ${event.status ?? event.error} (${event.ms} ms)`) : undefined,
    });
    this.clientKey = key;
    return this.client;
  }
}
