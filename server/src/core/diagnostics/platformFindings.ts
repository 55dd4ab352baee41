/**
 * Platform findings: what the registry's answers say about the platforms an image can run on.
 *
 * - single-platform-pin: `repo:tag@digest` whose digest is one platform's image of the multi-platform
 *   index the tag points to. Every node pulls that one image, so nodes of the index's other platforms
 *   fail with `exec format error`. Not reported when the pin settings ask for that platform (a
 *   deliberate pin, imageAware.pin.platform); platform-missing still says where it cannot run.
 * - platform-missing: the image the reference pulls has no image for a target platform the pod can be
 *   scheduled on (facts.targets, narrowed by the pod's nodeSelector and required node affinity). Only
 *   for images the kubelet pulls, and only when targets are known.
 */
import type { Analysis } from '../analysis';
import { pullAnswer, tagAnswer } from '../facts';
import type { ManifestFound, RegistryFacts } from '../facts';
import { choosePin } from '../edits/pinEdits';
import { imageSites, pullerOf } from '../imageSites';
import type { ImageSite } from '../imageSites';
import { formatPlatform, parsePlatform, runsOn, targetsFor } from '../platforms';
import type { NodePlacement, Platform, PlatformTargets } from '../platforms';
import type { PinSettings } from '../settings';
import type { Finding } from './finding';
import { short } from './registryFindings';

/** The platforms of a found answer: an index's entries, or a single image's own; null when a single image does not say. */
export function imagePlatforms(found: ManifestFound): Platform[] | null {
  const read = (p: { os?: unknown; architecture?: unknown; variant?: unknown }): Platform | null =>
    typeof p.os !== 'string' || typeof p.architecture !== 'string'
      ? null
      : parsePlatform(typeof p.variant === 'string' ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`);
  if (found.isIndex) return found.platforms.flatMap((p) => read(p) ?? []);
  const own = found.os === undefined || found.architecture === undefined ? null : read(found);
  return own === null ? null : [own];
}

/** Which of the targets a pod placed as `placement` can run on the image has, and which it lacks. */
export interface PlatformFit {
  readonly fits: readonly Platform[];
  readonly missing: readonly Platform[];
  readonly has: readonly Platform[];
  readonly targets: PlatformTargets;
}

export function platformFit(found: ManifestFound, targets: PlatformTargets | undefined, placement: NodePlacement | null | undefined): PlatformFit | null {
  if (targets === undefined) return null;
  const has = imagePlatforms(found);
  if (has === null || has.length === 0) return null;
  const wanted = targetsFor(targets, placement);
  if (wanted.length === 0) return null;
  const fits = wanted.filter((target) => has.some((image) => runsOn(image, target)));
  return { fits, missing: wanted.filter((target) => !fits.includes(target)), has, targets };
}

export function platformList(platforms: readonly Platform[]): string {
  return platforms.map(formatPlatform).join(', ');
}

function singlePlatformPin(site: ImageSite, facts: RegistryFacts, pin: PinSettings): Finding[] {
  const { ref } = site;
  if (ref.tag === null || ref.digest === null) return [];
  const answer = tagAnswer(facts, ref);
  if (answer?.status !== 'found' || !answer.isIndex || answer.platforms.length < 2) return [];
  const pinned = answer.platforms.find((p) => p.digest === ref.digest);
  if (!pinned || choosePin(answer, pin).digest === ref.digest) return [];
  const platform = parsePlatform(formatPlatform(pinned));
  const others = (imagePlatforms(answer) ?? []).filter((p) => platform === null || !runsOn(p, platform));
  const message =
    `${short(ref.digest)} is the ${formatPlatform(platform ?? pinned)} image of the multi-platform index ":${ref.tag}" ` +
    `points to, not the index: every node pulls this one image, so on nodes of its other platforms (${platformList(others)}) the container ` +
    `fails with "exec format error". Pin the index ${short(answer.digest)} instead, so each node pulls its own platform.`;
  return [{ code: 'single-platform-pin', message, ...(site.digestSpan ?? site.span) }];
}

function platformMissing(site: ImageSite, facts: RegistryFacts): Finding[] {
  const puller = pullerOf(site);
  if (!puller?.record.location.policy?.kubelet) return [];
  const answer = pullAnswer(facts, site.ref);
  if (answer?.status !== 'found') return [];
  const fit = platformFit(answer, facts.targets, site.container?.placement);
  if (fit === null || fit.missing.length === 0) return [];
  const missing = platformList(fit.missing);
  const what = answer.isIndex ? `its index has no ${missing} image` : `it is a single-platform ${platformList(fit.has)} image`;
  const outcome = answer.isIndex
    ? `pulling it there fails with "no match for platform in manifest"`
    : `the container starts there and fails with "exec format error"`;
  const message =
    `"${puller.image}" cannot run on ${missing} (${what}), and the pod can be scheduled on ${missing} nodes (targets from ${fit.targets.source}): ` +
    `${outcome}. Build and push it for ${missing}, or keep the pod off those nodes with a nodeSelector on kubernetes.io/arch.`;
  return [{ code: 'platform-missing', message, ...site.span }];
}

/** Platform findings for a file, with absolute spans, in text order. */
export function platformFindings(analysis: Analysis, facts: RegistryFacts, pin: PinSettings): Finding[] {
  return imageSites(analysis).flatMap((site) => [...singlePlatformPin(site, facts, pin), ...platformMissing(site, facts)]);
}
