/**
 * Scanning images for vulnerabilities: one image by digest with the scanner given, the result kept by
 * scanner and digest in a cache. A digest names content, so its scan stays true of it; the scanner's
 * database does not, so a cached result is used only while it is younger than `maxAgeMs` (a day by
 * default: trivy's and grype's databases are rebuilt daily or more often), and `fresh` runs the
 * scanner regardless. Every result carries the time it was made, from the engine's clock.
 */
import { isOciDigest, isScanFact } from '../../core';
import type { ScanFact, ScanTarget } from '../../core';
import type { ScanCache, Scanner } from '../../scanners';
import type { Clock } from '../clock';
import { mapLimit } from '../mapLimit';

export const SCAN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ScanImageOptions {
  readonly cache: ScanCache;
  readonly clock: Clock;
  /** Run the scanner even when a recent result is cached. */
  readonly fresh?: boolean;
  /** How old a cached result may be and still be used; SCAN_MAX_AGE_MS by default. */
  readonly maxAgeMs?: number;
  /** Aborting ends the scanner's process group; the scan then rejects. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface ScanOutcome {
  readonly fact: ScanFact;
  /** True when the result came from the cache and no scanner ran. */
  readonly cached: boolean;
}

function cacheKey(scanner: Scanner, digest: string): string {
  return `${scanner.name} ${digest}`;
}

function checkTarget(target: ScanTarget): void {
  if (!isOciDigest(target.digest) || !target.image.endsWith(`@${target.digest}`)) {
    throw new Error(`A scan needs an image by digest; ${target.image} is not one for ${target.digest}.`);
  }
}

/** The cached result of `scanner` for the target's digest, whatever its age; undefined when there is none. */
export async function cachedScan(target: ScanTarget, scanner: Scanner, cache: ScanCache): Promise<ScanFact | undefined> {
  checkTarget(target);
  const fact = await cache.read(cacheKey(scanner, target.digest), isScanFact);
  return fact?.scanner === scanner.name ? fact : undefined;
}

/** Scans one image by digest, or takes its recent cached result; rejects with the scanner's error. */
export async function scanImage(target: ScanTarget, scanner: Scanner, options: ScanImageOptions): Promise<ScanOutcome> {
  const known = await cachedScan(target, scanner, options.cache);
  if (known !== undefined && !options.fresh) {
    const age = options.clock.now() - Date.parse(known.scannedAt);
    if (age >= 0 && age < (options.maxAgeMs ?? SCAN_MAX_AGE_MS)) return { fact: known, cached: true };
  }
  const report = await scanner.scan(target.image, { signal: options.signal, timeoutMs: options.timeoutMs });
  const fact: ScanFact = { ...report, scannedAt: new Date(options.clock.now()).toISOString() };
  await options.cache.write(cacheKey(scanner, target.digest), fact);
  return { fact, cached: false };
}

export interface ScanFailure {
  readonly image: string;
  readonly reason: string;
}

export interface ScanImagesResult {
  /** Scan results by digest. */
  readonly scans: ReadonlyMap<string, ScanFact>;
  readonly failures: readonly ScanFailure[];
  /** How many results came from the cache. */
  readonly cached: number;
}

/**
 * Scans every target, at most `concurrency` at once (2 by default: a scan is heavy on CPU, disk and
 * network). A scan that fails is a failure of that image and the others go on; once the signal is
 * aborted no scan starts, those running are ended, and the call rejects.
 */
export async function scanImages(
  targets: readonly ScanTarget[],
  scanner: Scanner,
  options: ScanImageOptions & { readonly concurrency?: number },
): Promise<ScanImagesResult> {
  const scans = new Map<string, ScanFact>();
  const failures: ScanFailure[] = [];
  let cached = 0;
  await mapLimit(
    targets,
    options.concurrency ?? 2,
    async (target) => {
      try {
        const outcome = await scanImage(target, scanner, options);
        scans.set(target.digest, outcome.fact);
        if (outcome.cached) cached++;
      } catch (error) {
        if (options.signal?.aborted) return;
        failures.push({ image: target.image, reason: error instanceof Error ? error.message : String(error) });
      }
    },
    options.signal,
  );
  options.signal?.throwIfAborted();
  return { scans, failures, cached };
}
