/**
 * Online findings: what the registry's answers (RegistryFacts) say about each image of a file.
 * Spans are absolute. Without an answer for an image nothing is reported for it, so partial facts
 * (a registry that has not answered yet) never produce a false alarm. One finding per cause, each
 * message one sentence; what to do about it is in docs/diagnostics.md (each code's page).
 *
 * - tag-not-found / digest-not-found: the registry answered "unknown" for the tag (or `latest`, for an
 *   image without one) or the digest. A pinned image is pulled by digest, so its tag is not checked here.
 * - stale-pin: `repo:tag@digest` whose tag now points at another manifest, or no longer exists. A digest
 *   of one platform of the index the tag points at is not stale: that is what pinning one platform writes.
 * - registry-unreachable / unauthorized: once per registry per file, on the first image of that
 *   registry, with the reason (which credentials were tried), unless `registryProblems` is false: the
 *   editor shows a registry's problem once, in its status bar, not in every file.
 * - pull-would-fail: only what the missing tag or digest does not already say: the registry needs
 *   credentials and the pod spec has no imagePullSecrets (known when it refused the credentials tried,
 *   and also when the developer's own credentials read the image but an anonymous pull, what a node
 *   without pull secrets does, was refused), or the effective policy is Never and the registry does not
 *   have the image either, so no node can have pulled it.
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

export interface RegistryFindingOptions {
  /** Report registry-unreachable and unauthorized in the file (the CLI), or not (the editor's status bar shows them). */
  readonly registryProblems?: boolean;
}

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

/** A few tags the repository does have, newest first, as a clause of a tag-not-found message. */
function suggestions(site: ImageSite, facts: RegistryFacts): string {
  const list = tagsOf(facts, site.ref);
  if (!list || list.tags.length === 0) return '';
  const top = orderTags(list.tags)
    .slice(0, 3)
    .map((t) => t.tag);
  const count = list.tags.length === 1 ? 'its only tag' : `newest of its ${list.tags.length} tags`;
  return ` (${count}: ${top.join(', ')}${list.tags.length > top.length ? ', …' : ''})`;
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
        : `${ref.domain} has no tag "${tag}"${implied} in ${ref.path}${suggestions(site, facts)}.`;
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
    const message = `":${tag}" now points to ${short(answer.digest)}, not the pinned ${short(ref.digest!)}${staleNote(answer)}.`;
    return [{ code: 'stale-pin', message, ...span }];
  }
  if (answer?.status === 'not-found' && digestAnswered?.status !== 'not-found') {
    const message = `Tag ":${tag}" no longer exists in ${ref.domain}/${ref.path}, so only the pinned digest says what this image is.`;
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
    const scope = others > 0 ? `this and ${others} other image${others === 1 ? '' : 's'} from it in this file were not checked` : 'this image was not checked';
    const code = problem.kind === 'unauthorized' ? 'unauthorized' : 'registry-unreachable';
    findings.push({ code, message: `${problem.reason.replace(/\.$/, '')}, so ${scope}.`, ...site.span });
  }
  return findings;
}

/** Why a node without the developer's credentials cannot pull, in one sentence. */
function credentialsMessage(image: string, domain: string, what: string, stale: boolean): string {
  return `${domain} ${what} and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull "${image}"${stale ? STALE_NOTE : ''}.`;
}

function pullFindings(site: ImageSite, facts: RegistryFacts): Finding[] {
  const puller = pullerOf(site);
  if (!puller) return [];
  const { image, pullSecrets } = puller;
  const decision = policyOf(puller.record);
  // Only the kubelet pulls on nodes with the pod's pull secrets; elsewhere (Compose, a build) the user's own credentials pull.
  if (!decision || !puller.record.location.policy?.kubelet) return [];
  const key = policyKeyOf(puller.record.location);
  const never = decision.behaviour === 'never';
  const answer = pullAnswer(facts, site.ref);
  const domain = site.ref.domain;
  // A missing image with a policy that pulls is tag-not-found or digest-not-found alone: the pull failing is what they mean.
  if (answer?.status === 'not-found' && never) {
    const message = `${key} is Never and ${domain} does not have this image either, so no node can have pulled it: the container fails with ErrImageNeverPull.`;
    return [{ code: 'pull-would-fail', message, ...site.span }];
  }
  if (never || pullSecrets.length > 0) return [];
  if (answer?.status === 'failed' && answer.problem === 'unauthorized') {
    return [{ code: 'pull-would-fail', message: credentialsMessage(image, domain, 'requires credentials', false), ...site.span }];
  }
  const anonymous = anonymousPullOf(facts, site.ref);
  if (answer?.status === 'found' && anonymous?.allowed === false) {
    const message = credentialsMessage(image, domain, `refuses anonymous pulls of ${site.ref.path}`, anonymous.stale);
    return [{ code: 'pull-would-fail', message, ...site.span }];
  }
  return [];
}

/** Online findings for a file, with absolute spans, in text order. */
export function registryFindings(analysis: Analysis, facts: RegistryFacts, options: RegistryFindingOptions = {}): Finding[] {
  const sites = imageSites(analysis);
  const findings: Finding[] = options.registryProblems === false ? [] : problemFindings(sites, facts);
  for (const site of sites) findings.push(...existenceFindings(site, facts), ...pullFindings(site, facts));
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}
