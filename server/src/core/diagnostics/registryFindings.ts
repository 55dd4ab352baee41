/**
 * Online findings: what the registry's answers (RegistryFacts) say about each image of a file.
 * Spans are absolute. Without an answer for an image nothing is reported for it, so partial facts
 * (a registry that has not answered yet) never produce a false alarm.
 *
 * - tag-not-found / digest-not-found: the registry answered "unknown" for the tag (or `latest`, for an
 *   image without one) or the digest. A pinned image is pulled by digest, so its tag is not checked here.
 * - stale-pin: `repo:tag@digest` whose tag now points at another manifest, or no longer exists. A digest
 *   of one platform of the index the tag points at is not stale: that is what pinning one platform writes.
 * - registry-unreachable / unauthorized: once per registry per file, on the first image of that
 *   registry, with the reason (which credentials were tried).
 * - pull-would-fail: where the kubelet, with the effective imagePullPolicy, would fail to pull: the image
 *   does not exist, or the registry needs credentials and the pod spec has no imagePullSecrets. That is
 *   known when it refused the credentials that were tried, and also when the image was found with the
 *   developer's own credentials but an anonymous pull (what a node without pull secrets does) was refused.
 */
import type { Analysis } from '../analysis';
import { anonymousPullOf, pullAnswer, repositoryKey, tagAnswer, tagsOf, effectiveTag } from '../facts';
import type { ManifestAnswer, ManifestFound, RegistryFacts } from '../facts';
import { imageSites, pullerOf } from '../imageSites';
import type { ImageSite } from '../imageSites';
import { policyOf } from '../policy/pullPolicy';
import { orderTags } from '../tags';
import { policyKeyOf } from './imageFindings';
import type { Finding } from './finding';

const STALE_NOTE = ' (a cached answer: the registry could not be reached just now)';

function staleNote(answer: ManifestAnswer | undefined): string {
  return answer?.status === 'found' && answer.stale ? STALE_NOTE : '';
}

/** A digest shortened for messages: `sha256:` and 12 hex characters, then an ellipsis. */
export function short(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest : `${digest.slice(0, colon + 13)}…`;
}

function repositoryName(site: ImageSite): string {
  return repositoryKey(site.ref);
}

/** A few tags the repository does have, newest first, for a tag-not-found message. */
function suggestions(site: ImageSite, facts: RegistryFacts): string {
  const list = tagsOf(facts, site.ref);
  if (!list || list.tags.length === 0) return '';
  const top = orderTags(list.tags)
    .slice(0, 5)
    .map((t) => t.tag);
  return ` It has ${list.tags.length} tag${list.tags.length === 1 ? '' : 's'}, newest first: ${top.join(', ')}${list.tags.length > top.length ? ', …' : ''}.`;
}

function existenceFindings(site: ImageSite, facts: RegistryFacts): Finding[] {
  const { ref } = site;
  const findings: Finding[] = [];
  if (ref.digest !== null) {
    const answer = facts.manifests.get(`${repositoryName(site)}@${ref.digest}`);
    if (answer?.status === 'not-found') {
      const message =
        answer.unknown === 'repository'
          ? `${ref.domain} has no repository "${ref.path}", so digest ${short(ref.digest)} cannot be pulled.`
          : `${ref.domain} has no manifest ${ref.digest} in ${ref.path}: it was never pushed there, or it was deleted.`;
      findings.push({ code: 'digest-not-found', message, ...(site.digestSpan ?? site.span) });
    }
    if (ref.tag !== null) findings.push(...staleFindings(site, facts, answer));
    return findings;
  }
  const answer = tagAnswer(facts, ref);
  if (answer?.status === 'not-found') {
    const tag = effectiveTag(ref);
    const implied = ref.tag === null ? ' (the implied tag)' : '';
    const message =
      answer.unknown === 'repository'
        ? `${ref.domain} has no repository "${ref.path}" (or it is private and hides itself from the credentials tried).`
        : `${ref.domain} has no tag "${tag}"${implied} in ${ref.path}.${suggestions(site, facts)}`;
    findings.push({ code: 'tag-not-found', message, ...(site.tagSpan ?? site.span) });
  }
  return findings;
}

/** The platform of an index whose digest is `digest`, if the pin names one platform of it. */
function pinnedPlatform(found: ManifestFound, digest: string): string | null {
  const platform = found.platforms.find((p) => p.digest === digest);
  return platform ? [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/') : null;
}

function staleFindings(site: ImageSite, facts: RegistryFacts, digestAnswered: ManifestAnswer | undefined): Finding[] {
  const { ref } = site;
  const tag = ref.tag!;
  const answer = tagAnswer(facts, ref);
  const span = site.digestSpan ?? site.span;
  if (answer?.status === 'found' && answer.digest !== ref.digest && pinnedPlatform(answer, ref.digest!) === null) {
    const message =
      `":${tag}" now points to ${short(answer.digest)}, not the pinned ${short(ref.digest!)}: ${site.container?.location.runner ?? 'pods'} keep running the pinned ` +
      `image, which is no longer what ":${tag}" means. Update the pin if the new image is wanted.${staleNote(answer)}`;
    return [{ code: 'stale-pin', message, ...span }];
  }
  if (answer?.status === 'not-found' && digestAnswered?.status !== 'not-found') {
    const message = `Tag ":${tag}" no longer exists in ${ref.domain}/${ref.path}; the pinned digest still pulls, but the tag no longer says what it is.`;
    return [{ code: 'stale-pin', message, ...span }];
  }
  return [];
}

function problemFindings(sites: readonly ImageSite[], facts: RegistryFacts): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const site of sites) {
    const registry = site.ref.domain;
    const problem = facts.problems.get(registry);
    if (!problem || reported.has(registry)) continue;
    reported.add(registry);
    const others = sites.filter((s) => s.ref.domain === registry).length - 1;
    const scope =
      others > 0 ? ` This and ${others} other image${others === 1 ? '' : 's'} from ${registry} in this file were not checked.` : ` This image was not checked.`;
    const code = problem.kind === 'unauthorized' ? 'unauthorized' : 'registry-unreachable';
    findings.push({ code, message: `${problem.reason}${scope}`, ...site.span });
  }
  return findings;
}

const BACK_OFF = 'the kubelet retries with a back-off that doubles from 10 s up to 5 minutes';

function describeEvents(image: string, why: string): string {
  return (
    `kubectl describe pod shows: Failed to pull image "${image}": ${why}; Error: ` + `ErrImagePull; Back-off pulling image "${image}"; Error: ImagePullBackOff.`
  );
}

function pullFindings(site: ImageSite, facts: RegistryFacts): Finding[] {
  const puller = pullerOf(site);
  if (!puller) return [];
  const { image, pullSecrets } = puller;
  const decision = policyOf(puller.record);
  // Only the kubelet pulls on nodes with the pod's pull secrets; elsewhere (Compose, a build) the user's own credentials pull.
  if (!decision || !puller.record.location.policy?.kubelet) return [];
  const key = policyKeyOf(puller.record.location);
  const { policy, behaviour } = decision;
  const never = behaviour === 'never';
  const answer = pullAnswer(facts, site.ref);
  const what = site.ref.digest !== null ? `manifest ${short(site.ref.digest)}` : `tag "${effectiveTag(site.ref)}"`;
  const where = behaviour === 'ifNotPresent' ? 'On every node that does not have it yet, pulling' : 'Pulling';
  if (answer?.status === 'not-found') {
    if (never) {
      const message =
        `${key} is Never, so the kubelet never pulls "${image}", and ${site.ref.domain} does not have it (no ${what}), so no node ` +
        `can have pulled it either: unless it is loaded onto the nodes another way (kind load, ctr import), the container ` +
        `fails with ErrImageNeverPull ("Container image \\"${image}\\" is not present with pull policy of Never").`;
      return [{ code: 'pull-would-fail', message, ...site.span }];
    }
    const message =
      `${where} "${image}" (${key} ${policy}) fails: ${site.ref.domain} has no ${what} in ${site.ref.path}. The pod ` +
      `goes from ErrImagePull to ImagePullBackOff and ${BACK_OFF}. ${describeEvents(image, `${site.ref.canonical}: not found`)}`;
    return [{ code: 'pull-would-fail', message, ...site.span }];
  }
  if (answer?.status === 'failed' && answer.problem === 'unauthorized' && !never && pullSecrets.length === 0) {
    const reason = facts.problems.get(site.ref.domain)?.reason ?? `${site.ref.domain} refused anonymous access.`;
    const message =
      `${where} "${image}" (${key} ${policy}) fails unless the node itself has credentials for ${site.ref.domain}: the registry ` +
      `requires authentication (${reason.replace(/\.$/, '')}), and this pod spec has no imagePullSecrets. The pod ` +
      `goes from ErrImagePull to ImagePullBackOff and ${BACK_OFF}. ${describeEvents(image, '401 Unauthorized')}`;
    return [{ code: 'pull-would-fail', message, ...site.span }];
  }
  const anonymous = anonymousPullOf(facts, site.ref);
  if (answer?.status === 'found' && anonymous?.allowed === false && !never && pullSecrets.length === 0) {
    const domain = site.ref.domain;
    const message =
      `${where} "${image}" (${key} ${policy}) fails on a node without credentials ` +
      `for ${domain}: the registry refuses anonymous pulls of ${site.ref.path}, ` +
      `and this pod spec has no imagePullSecrets. The image was found here with your own credentials, but the kubelet does not have your docker config: ` +
      `it pulls anonymously, gets 401 Unauthorized, and the pod goes from ErrImagePull to ` +
      `ImagePullBackOff and ${BACK_OFF}. ${describeEvents(image, '401 Unauthorized')} ` +
      `Add imagePullSecrets naming a Secret of type kubernetes.io/dockerconfigjson for ${domain} (kubectl create secret docker-registry), ` +
      `unless the pod's ServiceAccount adds one or the nodes have credentials for ${domain}.${anonymous.stale ? STALE_NOTE : ''}`;
    return [{ code: 'pull-would-fail', message, ...site.span }];
  }
  return [];
}

/** Online findings for a file, with absolute spans, in text order. */
export function registryFindings(analysis: Analysis, facts: RegistryFacts): Finding[] {
  const sites = imageSites(analysis);
  const findings: Finding[] = [...problemFindings(sites, facts)];
  for (const site of sites) findings.push(...existenceFindings(site, facts), ...pullFindings(site, facts));
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}
