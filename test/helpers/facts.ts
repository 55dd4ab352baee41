/**
 * Builds RegistryFacts from plain objects, for the pure core tests of the online features:
 * `registryFacts({ manifests: { 'docker.io/library/nginx:1.25': found(DIGEST) }, tags: {...}, problems: {...} })`.
 * `anonymous` takes `domain/path` → whether an anonymous pull is allowed (or the whole fact); `referrers` takes
 * `domain/path@digest` → what refers to it; `scans` takes a digest → what a vulnerability scan of it found (see `scanned`); `targets` the platforms workloads run on.
 */
import type {
  AnonymousPullFact,
  ManifestAnswer,
  ManifestFound,
  PlatformFact,
  ReferrerFact,
  ReferrersAnswer,
  RegistryFacts,
  RegistryProblem,
  TagListFact,
} from '../../server/src/core/facts';
import type { PlatformTargets } from '../../server/src/core/platforms';
import type { ScanFact, VulnerabilityFact, VulnerabilitySeverity } from '../../server/src/core/scanFacts';

export interface FactsInput {
  readonly manifests?: Readonly<Record<string, ManifestAnswer>>;
  readonly tags?: Readonly<Record<string, readonly string[] | TagListFact>>;
  readonly problems?: Readonly<Record<string, RegistryProblem>>;
  readonly anonymous?: Readonly<Record<string, boolean | AnonymousPullFact>>;
  /** `domain/path@digest` → what refers to that manifest. */
  readonly referrers?: Readonly<Record<string, ReferrersAnswer>>;
  readonly scans?: Readonly<Record<string, ScanFact>>;
  /** The platforms workloads run on, with where they come from. */
  readonly targets?: PlatformTargets;
}

export function registryFacts(input: FactsInput = {}): RegistryFacts {
  return {
    manifests: new Map(Object.entries(input.manifests ?? {})),
    tags: new Map(
      Object.entries(input.tags ?? {}).map(([key, value]) => [key, Array.isArray(value) ? { tags: value as string[], stale: false } : (value as TagListFact)]),
    ),
    problems: new Map(Object.entries(input.problems ?? {})),
    anonymous: new Map(
      Object.entries(input.anonymous ?? {}).map(([key, value]) => [key, typeof value === 'boolean' ? { allowed: value, stale: false } : value]),
    ),
    referrers: new Map(Object.entries(input.referrers ?? {})),
    ...(input.scans ? { scans: new Map(Object.entries(input.scans)) } : {}),
    ...(input.targets ? { targets: input.targets } : {}),
  };
}

/** A scan by trivy on 2024-05-01 12:00 UTC with these counts (the rest zero) and most severe vulnerabilities. */
export function scanned(
  counts: Partial<Record<VulnerabilitySeverity, number>>,
  top: readonly VulnerabilityFact[] = [],
  more: Partial<Omit<ScanFact, 'counts' | 'top'>> = {},
): ScanFact {
  return {
    scanner: 'trivy',
    scannedAt: '2024-05-01T12:00:00.000Z',
    counts: { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0, ...counts },
    top,
    ...more,
  };
}

/** A single-platform OCI image, with what a `manifest` detail lookup returns. */
export function found(digest: string, more: Partial<Omit<ManifestFound, 'status'>> = {}): ManifestFound {
  return {
    status: 'found',
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 401,
    isIndex: false,
    platforms: [],
    labels: {},
    stale: false,
    ...more,
  };
}

/** An OCI index over platforms. */
export function foundIndex(digest: string, platforms: readonly PlatformFact[], more: Partial<Omit<ManifestFound, 'status'>> = {}): ManifestFound {
  return found(digest, { mediaType: 'application/vnd.oci.image.index.v1+json', size: 743, isIndex: true, platforms, ...more });
}

export const MISSING: ManifestAnswer = { status: 'not-found', unknown: 'manifest' };
export const NO_REPOSITORY: ManifestAnswer = { status: 'not-found', unknown: 'repository' };
export const FAILED_UNAUTHORIZED: ManifestAnswer = { status: 'failed', problem: 'unauthorized' };
export const FAILED_UNREACHABLE: ManifestAnswer = { status: 'failed', problem: 'unreachable' };

/** A referrer holding one thing of this kind and format (`signature`, `cosign key`), referring to `subject`. */
export function referrer(kind: ReferrerFact['kind'], format: string, more: Partial<ReferrerFact> = {}): ReferrerFact {
  return {
    digest: `sha256:${kind.length.toString(16).padStart(2, '0').repeat(32)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: null,
    kind,
    contents: [{ kind, format }],
    subject: `sha256:${'c'.repeat(64)}`,
    annotations: {},
    source: 'referrers-api',
    repository: 'docker.io/library/nginx',
    ...more,
  };
}

/** The referrers of a manifest, found through the referrers API. */
export function referrersFound(referrers: readonly ReferrerFact[]): ReferrersAnswer {
  return { status: 'found', referrers, discovery: 'referrers-api', notes: [], stale: false };
}
