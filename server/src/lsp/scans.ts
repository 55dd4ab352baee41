/**
 * The server's vulnerability scans: it finds the scanner the settings name on the server's PATH,
 * runs it on request (imageAware.scanImage), one scan per digest at a time, and keeps what scans
 * found by digest, so diagnostics and hovers show them for every document that runs that image.
 * Results are cached on disk beside the registry cache (scanners/cache.ts): the scans of a
 * document's images made in earlier sessions are recalled when it is published, reading files
 * only; a scanner runs only when asked.
 */
import type { Analysis, RegistryFacts, ScanFact, ScanSettings, ScanTarget } from '../core';
import { scanTargets } from '../core';
import { cachedScan, scanImage, systemClock } from '../engine';
import type { Clock, ScanOutcome } from '../engine';
import { chooseScanner, scanCache } from '../scanners';
import type { ScanCache, Scanner, ScannerEnv, ScannerPick } from '../scanners';

export interface ScanServiceOptions {
  /** The registry cache's folder: scan results go in its `scans` folder. */
  readonly cacheDir: string;
  /** The environment scanners are found on and run with (the server's own). */
  readonly env: ScannerEnv;
  readonly clock?: Clock;
}

/** Scan results held in memory, the least recently used dropped first. */
const MAX_KNOWN = 1000;
/** `scanner digest` pairs remembered as looked up on disk; past it the oldest are forgotten (and looked up again if seen). */
export const MAX_RECALLED = 4096;
/** Digests of one document looked up in the cache on disk per publication. */
const MAX_RECALLED_PER_DOCUMENT = 64;

export class ScanService {
  private readonly known = new Map<string, ScanFact>();
  /** `scanner digest` pairs already looked up on disk, found or not, the oldest first: at most MAX_RECALLED. */
  private readonly recalled = new Set<string>();
  private readonly running = new Map<string, { readonly controller: AbortController; readonly done: Promise<ScanOutcome> }>();
  private readonly picks = new Map<string, ScannerPick>();
  private readonly cache: ScanCache;
  private readonly clock: Clock;

  constructor(private readonly options: ScanServiceOptions) {
    this.cache = scanCache(options.cacheDir);
    this.clock = options.clock ?? systemClock;
  }

  /** The scanner the setting names, found once per setting; or why there is none. */
  scanner(setting: ScanSettings['scanner']): ScannerPick {
    let pick = this.picks.get(setting);
    if (pick === undefined) {
      pick = chooseScanner(setting, this.options.env);
      this.picks.set(setting, pick);
    }
    return pick;
  }

  /** `facts` with every scan result known, keyed by digest (the core picks the ones of each image). */
  withScans(facts: RegistryFacts): RegistryFacts {
    return this.known.size === 0 ? facts : { ...facts, scans: this.known };
  }

  /**
   * Reads from the cache on disk the results of earlier scans of a document's images (by the scanner
   * the settings name), each digest once per session. Resolves with whether one was found.
   */
  async recall(analysis: Analysis, facts: RegistryFacts, settings: ScanSettings): Promise<boolean> {
    const pick = this.scanner(settings.scanner);
    if (!pick.ok) return false;
    const { scanner } = pick;
    const targets = scanTargets([analysis], facts)
      .filter((target) => !this.known.has(target.digest) && !this.recalled.has(`${scanner.name} ${target.digest}`))
      .slice(0, MAX_RECALLED_PER_DOCUMENT);
    let found = false;
    for (const target of targets) {
      this.recalled.add(`${scanner.name} ${target.digest}`);
      if (this.recalled.size > MAX_RECALLED) this.recalled.delete(this.recalled.values().next().value as string);
      const fact = await cachedScan(target, scanner, this.cache);
      if (fact !== undefined && !this.known.has(target.digest)) {
        this.remember(target.digest, fact);
        found = true;
      }
    }
    return found;
  }

  /**
   * Scans one image by digest (or takes a result of the last day from the cache, unless `fresh`).
   * A scan of the same digest already running is joined; the signal of the caller that started a scan cancels it.
   */
  async scan(target: ScanTarget, scanner: Scanner, options: { readonly fresh: boolean; readonly signal: AbortSignal }): Promise<ScanOutcome> {
    let entry = this.running.get(target.digest);
    if (entry === undefined) {
      const controller = new AbortController();
      const done = scanImage(target, scanner, { cache: this.cache, clock: this.clock, fresh: options.fresh, signal: controller.signal });
      entry = { controller, done };
      this.running.set(target.digest, entry);
      const started = entry;
      options.signal.addEventListener('abort', () => controller.abort(), { once: true });
      // Registered before the caller waits for `done`, so the result is known by the time the caller goes on.
      void done
        .then(
          (outcome) => this.remember(target.digest, outcome.fact),
          () => undefined,
        )
        .finally(() => {
          if (this.running.get(target.digest) === started) this.running.delete(target.digest);
        });
    }
    return entry.done;
  }

  dispose(): void {
    for (const { controller } of this.running.values()) controller.abort();
    this.running.clear();
  }

  private remember(digest: string, fact: ScanFact): void {
    this.known.delete(digest);
    this.known.set(digest, fact);
    while (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value as string);
  }
}
