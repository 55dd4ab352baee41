/**
 * Platforms a workload runs on, and whether an image has them.
 *
 * A platform is written `os/architecture[/variant]` as OCI writes it ("linux/amd64", "linux/arm/v7").
 * Targets come from the setting `imageAware.platforms.targets` or from the nodes of the cluster the
 * user picked (their `kubernetes.io/os` and `kubernetes.io/arch` labels); a pod's nodeSelector and
 * required node affinity on those labels (NodePlacement) narrow them to the nodes it can be scheduled on.
 * A target without a variant matches an image of any variant of its architecture; variants are
 * compared only when both are written, with arm64's missing variant read as `v8`, as containerd does.
 */

/** The node labels a placement reads, with the part of a platform each names. */
export const PLATFORM_LABELS: Readonly<Record<string, 'os' | 'arch'>> = {
  'kubernetes.io/os': 'os',
  'kubernetes.io/arch': 'arch',
  'beta.kubernetes.io/os': 'os',
  'beta.kubernetes.io/arch': 'arch',
};

/** One requirement on the os or arch label of a node: `In` the values, or `NotIn` them. */
export interface PlatformRequirement {
  readonly label: 'os' | 'arch';
  readonly operator: 'In' | 'NotIn';
  readonly values: readonly string[];
}

/**
 * Where a pod may be scheduled, as far as platforms go: every `selector` requirement (nodeSelector) holds,
 * and, when `terms` is not null (required node affinity), every requirement of at least one term.
 */
export interface NodePlacement {
  readonly selector: readonly PlatformRequirement[];
  readonly terms: readonly (readonly PlatformRequirement[])[] | null;
}

/** The platforms workloads run on, and where that is known from. */
export interface PlatformTargets {
  /** `os/arch[/variant]`, lowercase, unique. */
  readonly platforms: readonly string[];
  /** For people: "imageAware.platforms.targets", "the nodes of kind-dev". */
  readonly source: string;
}

/** At most this many targets are kept: more platforms than any cluster runs. */
export const MAX_TARGETS = 16;

const PLATFORM = /^[a-z0-9_.-]{1,32}\/[a-z0-9_.-]{1,32}(?:\/[a-z0-9_.-]{1,32})?$/;

/** Names Go's runtime and uname use for the same architectures (GOARCH is what images and node labels write). */
const ARCH_ALIASES: Readonly<Record<string, string>> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A platform as written, lowercase, with architecture aliases resolved; null when it is not `os/arch[/variant]`. */
export function parsePlatform(text: unknown): Platform | null {
  if (typeof text !== 'string') return null;
  const lower = text.trim().toLowerCase();
  if (!PLATFORM.test(lower)) return null;
  const [os, arch, variant] = lower.split('/');
  const architecture = ARCH_ALIASES[arch] ?? arch;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Targets from a list of platform texts: the valid ones, unique, at most MAX_TARGETS. */
export function platformTargets(texts: readonly unknown[], source: string): PlatformTargets | null {
  const platforms = [...new Set(texts.map(parsePlatform).flatMap((p) => (p === null ? [] : [formatPlatform(p)])))].slice(0, MAX_TARGETS);
  return platforms.length === 0 ? null : { platforms, source };
}

function variantOf(platform: Platform): string | undefined {
  return platform.variant ?? (platform.architecture === 'arm64' ? 'v8' : undefined);
}

/** Whether an image of platform `image` runs on a node of platform `target`. */
export function runsOn(image: Platform, target: Platform): boolean {
  if (image.os !== target.os || (ARCH_ALIASES[image.architecture] ?? image.architecture) !== target.architecture) return false;
  const wanted = target.variant === undefined ? undefined : variantOf(target);
  const has = variantOf(image);
  return wanted === undefined || has === undefined || wanted === has;
}

function holds(requirement: PlatformRequirement, target: Platform): boolean {
  const value = requirement.label === 'os' ? target.os : target.architecture;
  return requirement.values.includes(value) === (requirement.operator === 'In');
}

/** Whether a node of platform `target` can take a pod placed as `placement`. */
export function admits(placement: NodePlacement | null | undefined, target: Platform): boolean {
  if (!placement) return true;
  if (!placement.selector.every((r) => holds(r, target))) return false;
  return placement.terms === null || placement.terms.some((term) => term.every((r) => holds(r, target)));
}

/** The targets a pod placed as `placement` can be scheduled on. */
export function targetsFor(targets: PlatformTargets, placement: NodePlacement | null | undefined): Platform[] {
  return targets.platforms.flatMap((text) => {
    const target = parsePlatform(text);
    return target !== null && admits(placement, target) ? [target] : [];
  });
}
