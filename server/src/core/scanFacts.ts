/**
 * ScanFact: what a vulnerability scanner (trivy, grype) found in one image, as plain data keyed by
 * the image's digest (RegistryFacts.scans). A digest names content, so a scan of it holds wherever
 * the image is named: pinned (`repo@digest`), or by a tag the registry says points at that digest.
 *
 * Severities are the scanners' own, normalised: trivy has CRITICAL, HIGH, MEDIUM, LOW and UNKNOWN;
 * grype adds Negligible (below Low). Both rank UNKNOWN lowest, and so does VULNERABILITY_SEVERITIES.
 *
 * The core never runs a scanner: a front end (through engine/scanImage) puts what one printed here.
 * Scan facts are read from a cache on disk, so the accessors check what they hand to the features.
 */
import { digestKey, tagAnswer } from './facts';
import type { RegistryFacts } from './facts';
import { imageSites } from './imageSites';
import type { Analysis } from './analysis';
import { isOciDigest } from './reference/digest';
import type { ImageReference } from './reference/reference';

/** Most severe first. */
export const VULNERABILITY_SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;

export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number];

/** One vulnerability of one package, as a scanner reported it. */
export interface VulnerabilityFact {
  /** CVE-…, GHSA-…, ALAS-… */
  readonly id: string;
  readonly package: string;
  readonly installed: string;
  /** The version that fixes it, or null when none is known. */
  readonly fixed: string | null;
  readonly severity: VulnerabilitySeverity;
}

export interface ScanFact {
  /** The scanner that ran (`trivy`, `grype`). */
  readonly scanner: string;
  /** When it ran, as an RFC 3339 time in UTC. */
  readonly scannedAt: string;
  /** How many vulnerabilities of each severity (a vulnerability in two packages counts twice, as the scanners count). */
  readonly counts: Readonly<Record<VulnerabilitySeverity, number>>;
  /** The most severe few, most severe first. */
  readonly top: readonly VulnerabilityFact[];
}

/** Where the scan of an image comes from: its own digest, or the digest its tag points at. */
export interface ScannedImage {
  readonly digest: string;
  /** True when the digest is the one the registry says the tag points at now, not one written in the file. */
  readonly viaTag: boolean;
  readonly scan: ScanFact;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Whether a value read back from anywhere has a ScanFact's shape (counts whole and non-negative, severities known). */
export function isScanFact(value: unknown): value is ScanFact {
  if (typeof value !== 'object' || value === null) return false;
  const fact = value as Partial<Record<keyof ScanFact, unknown>>;
  if (typeof fact.scanner !== 'string' || typeof fact.scannedAt !== 'string' || !Array.isArray(fact.top)) return false;
  const counts = fact.counts as Record<string, unknown> | null | undefined;
  if (typeof counts !== 'object' || counts === null || !VULNERABILITY_SEVERITIES.every((s) => isCount(counts[s]))) return false;
  return fact.top.every((item: unknown) => {
    const v = item as Partial<Record<keyof VulnerabilityFact, unknown>> | null;
    return (
      typeof v === 'object' &&
      v !== null &&
      typeof v.id === 'string' &&
      typeof v.package === 'string' &&
      typeof v.installed === 'string' &&
      (v.fixed === null || typeof v.fixed === 'string') &&
      VULNERABILITY_SEVERITIES.includes(v.severity as VulnerabilitySeverity)
    );
  });
}

/** The digest the image runs: the written one, else the one the registry says its tag points at now; null when unknown. */
export function runningDigest(facts: RegistryFacts, ref: ImageReference): { readonly digest: string; readonly viaTag: boolean } | null {
  if (ref.digest !== null) return { digest: ref.digest, viaTag: false };
  const answer = tagAnswer(facts, ref);
  return answer?.status === 'found' ? { digest: answer.digest, viaTag: true } : null;
}

/** The scan of the image a reference runs, if one is known and well formed. */
export function scanOf(facts: RegistryFacts, ref: ImageReference): ScannedImage | undefined {
  const running = runningDigest(facts, ref);
  const scan = running && isOciDigest(running.digest) ? facts.scans?.get(running.digest) : undefined;
  return running && scan !== undefined && isScanFact(scan) ? { ...running, scan } : undefined;
}

/** How many vulnerabilities are at `threshold` or more severe. */
export function countAtLeast(scan: ScanFact, threshold: VulnerabilitySeverity): number {
  const last = VULNERABILITY_SEVERITIES.indexOf(threshold);
  return VULNERABILITY_SEVERITIES.slice(0, last + 1).reduce((sum, severity) => sum + scan.counts[severity], 0);
}

/** One image a scanner is to run on: `domain/path@digest`, what the scanner pulls. */
export interface ScanTarget {
  readonly digest: string;
  /** `domain/path@digest`, canonical. */
  readonly image: string;
}

/**
 * The images of the files to scan, each digest once: pinned images by their digest, images by tag
 * by the digest the registry answered for the tag (no answer, no scan).
 */
export function scanTargets(analyses: readonly Analysis[], facts: RegistryFacts): ScanTarget[] {
  const targets = new Map<string, ScanTarget>();
  for (const analysis of analyses) {
    for (const site of imageSites(analysis)) {
      const running = runningDigest(facts, site.ref);
      if (running === null || !isOciDigest(running.digest) || targets.has(running.digest)) continue;
      targets.set(running.digest, { digest: running.digest, image: digestKey(site.ref, running.digest) });
    }
  }
  return [...targets.values()];
}
