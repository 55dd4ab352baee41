/**
 * The registry part of an image hover: its state for the summary line, where the tag points now,
 * whether a pinned digest still matches it, what the pulled manifest is (kind, total size, created
 * date in one line; platforms with their digests; the org.opencontainers.image.* labels in one
 * line), and where the kubelet's pull would fail, what it then does and what to do. Lines of
 * markdown ending with an empty line, or no lines when the facts say nothing about this image.
 */
import { anonymousPullOf, digestAnswer, isRateLimitLow, platformName, problemOf, pullAnswer, pullsLeftText, tagAnswer, effectiveTag } from '../facts';
import type { ManifestAnswer, ManifestFound, RegistryFacts } from '../facts';
import { policyKeyOf } from '../diagnostics/imageFindings';
import { platformFit, platformList } from '../diagnostics/platformFindings';
import type { NodePlacement } from '../platforms';
import type { ContainerFields } from '../manifest/imageFields';
import { policyOf } from '../policy/pullPolicy';
import type { PolicyHolder } from '../policy/pullPolicy';
import type { YamlScalar } from '../manifest/yamlTree';
import type { ImageReference } from '../reference/reference';
import { attachmentLines } from './attachmentLines';
import { code } from './markdown';

/** The labels worth a line, in this order (org.opencontainers.image.* annotation keys). */
const KEY_LABELS = ['title', 'description', 'version', 'revision', 'source', 'url', 'vendor', 'licenses', 'created'];

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.oci.image.index.v1+json': 'OCI image index',
  'application/vnd.oci.image.manifest.v1+json': 'OCI image manifest',
  'application/vnd.docker.distribution.manifest.list.v2+json': 'Docker manifest list',
  'application/vnd.docker.distribution.manifest.v2+json': 'Docker image manifest (schema 2)',
};

/** Bytes in decimal units, as `docker images` shows sizes: 1 kB = 1000 B. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** An RFC 3339 time in UTC as `2024-05-01 12:00 UTC`; anything else as written. */
export function formatCreated(created: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(created);
  return match ? `${match[1]} ${match[2]} UTC` : created;
}

function cachedNote(answer: ManifestAnswer | undefined): string {
  return answer?.status === 'found' && answer.stale ? ' *(cached: the registry could not be reached)*' : '';
}

function missing(ref: ImageReference, answer: ManifestAnswer, what: string): string {
  if (answer.status !== 'not-found') return '';
  return answer.unknown === 'repository'
    ? `**Registry**: ${code(ref.domain)} has no repository ${code(ref.path)}.`
    : `**Registry**: ${code(ref.domain)} has no ${what} in ${code(ref.path)}.`;
}

function tagLines(ref: ImageReference, facts: RegistryFacts): string[] {
  if (ref.tag === null && ref.digest !== null) return [];
  const tag = effectiveTag(ref);
  const answer = tagAnswer(facts, ref);
  if (!answer || answer.status === 'failed') return [];
  if (answer.status === 'not-found') return [missing(ref, answer, `tag ${code(tag)}`)];
  const lines = [`**Registry**: ${code(':' + tag)} now points to ${code(answer.digest)}${cachedNote(answer)}`];
  if (ref.digest !== null) {
    const platform = answer.platforms.find((p) => p.digest === ref.digest);
    if (answer.digest === ref.digest) lines.push('', `The pinned digest still matches ${code(':' + tag)}.`);
    else if (platform)
      lines.push(
        '',
        `The pinned digest is the ${code(platformName(platform))} image of the index ${code(':' + tag)} points to, **not the index**: ` +
          'every node pulls this one platform.',
      );
    else lines.push('', `**The pinned digest no longer matches** ${code(':' + tag)}: the tag was pushed again since it was pinned.`);
  }
  return lines;
}

function platformTable(found: ManifestFound): string[] {
  const rows = found.platforms.map((p) => {
    const size = p.totalSize === undefined ? '' : formatSize(p.totalSize);
    const created = p.created === undefined ? '' : formatCreated(p.created);
    return `| ${code(platformName(p))} | ${code(p.digest)} | ${size} | ${created} |`;
  });
  return ['| Platform | Digest | Size | Created |', '|---|---|---|---|', ...rows];
}

function manifestLines(found: ManifestFound): string[] {
  const kind = MEDIA_TYPES[found.mediaType] ?? 'manifest';
  const facts = [`${kind} ${code(found.mediaType)}`];
  const sizes = found.isIndex ? found.platforms.map((p) => p.totalSize) : [found.totalSize];
  if (sizes.length > 0 && sizes.every((size) => size !== undefined)) {
    const total = formatSize(sizes.reduce((sum: number, size) => sum + size!, 0));
    facts.push(found.isIndex ? `${total} over ${found.platforms.length} platforms (compressed layers)` : `${total} (compressed layers)`);
  }
  if (found.created !== undefined) facts.push(`created ${formatCreated(found.created)}`);
  const lines = [facts.join(' · ')];
  if (found.isIndex && found.platforms.length > 0) lines.push('', ...platformTable(found));
  const labels = KEY_LABELS.flatMap((key) => {
    const value = found.labels[`org.opencontainers.image.${key}`];
    return value === undefined || (key === 'created' && found.created !== undefined) ? [] : [`${key} ${code(value)}`];
  });
  if (labels.length > 0) lines.push('', `Labels: ${labels.join(' · ')}`);
  return lines;
}

/** What the registry said about the image the runtime pulls, in a few words for the summary line; null when nothing is known. */
export function registryState(ref: ImageReference, facts: RegistryFacts): string | null {
  const answer = pullAnswer(facts, ref);
  if (answer?.status === 'found') {
    const platforms = answer.isIndex ? ` (${answer.platforms.length} platform${answer.platforms.length === 1 ? '' : 's'})` : '';
    return `found${platforms}${answer.stale ? ', cached' : ''}`;
  }
  if (answer?.status === 'not-found') return answer.unknown === 'repository' ? 'no such repository' : 'not found';
  const problem = problemOf(facts, ref);
  return problem ? (problem.kind === 'unauthorized' ? 'refused access' : 'not reached') : null;
}

/** The pull rate limit the registry announced, when it did; low, it says that what can wait is waiting. */
function rateLimitLines(ref: ImageReference, facts: RegistryFacts): string[] {
  const limit = facts.rateLimits?.get(ref.domain);
  if (limit === undefined) return [];
  const low = isRateLimitLow(limit) ? ': **low**, so tag lists, anonymous-pull checks and referrers are not asked until it recovers' : '';
  return [`**Pull rate limit**: ${pullsLeftText(limit)} at ${code(ref.domain)}${low}`, ''];
}

/** Which target platforms the pulled image runs on, when targets are known (diagnostics/platformFindings.ts). */
function targetLines(found: ManifestFound, facts: RegistryFacts, placement: NodePlacement | null | undefined): string[] {
  const fit = platformFit(found, facts.targets, placement);
  if (fit === null) return [];
  const runs = fit.fits.length === 0 ? 'runs on none of the targets' : `runs on ${code(platformList(fit.fits))}`;
  const not = fit.missing.length === 0 ? '' : `; **not on ${code(platformList(fit.missing))}**`;
  return [`**Platforms**: ${runs}${not} (targets from ${fit.targets.source})`, ''];
}

/** Markdown lines for the registry's view of ref, each block followed by an empty line; `placement` is the pod's, for the targets it can run on. */
export function registryLines(ref: ImageReference, facts: RegistryFacts, placement?: NodePlacement | null): string[] {
  const problem = problemOf(facts, ref);
  const lines: string[] = [];
  const tagged = tagLines(ref, facts);
  if (tagged.length > 0) lines.push(...tagged, '');
  const pinned = digestAnswer(facts, ref);
  if (pinned?.status === 'not-found') lines.push(missing(ref, pinned, `manifest ${code(ref.digest!)}`), '');
  const pulled = ref.digest !== null ? pinned : tagAnswer(facts, ref);
  if (pulled?.status === 'found') lines.push(...manifestLines(pulled), '', ...targetLines(pulled, facts, placement), ...attachmentLines(ref, facts));
  lines.push(...rateLimitLines(ref, facts));
  if (problem && (pulled === undefined || pulled.status === 'failed' || (pulled.status === 'found' && pulled.stale))) {
    lines.push(`**Registry not checked**: ${problem.reason}`, '');
  }
  return lines;
}

/** What pulls an image on a node: its pull policy record and the pod's pull secrets. */
export interface PullContext {
  readonly image: string;
  readonly record: PolicyHolder & Pick<ContainerFields, 'location'>;
  readonly pullSecrets: readonly YamlScalar[];
}

const BACK_OFF = 'the pod goes from `ErrImagePull` to `ImagePullBackOff`, and the kubelet retries with a back-off that doubles from 10 s up to 5 minutes';

/**
 * Where the kubelet's pull of this image would fail (the image does not exist; the registry wants credentials the
 * node lacks): what the kubelet does, what `kubectl describe pod` shows, and what to do. Lines ending with an empty
 * line, or none.
 */
export function pullFailureLines(ref: ImageReference, pull: PullContext, facts: RegistryFacts): string[] {
  const decision = policyOf(pull.record);
  if (!decision || !pull.record.location.policy?.kubelet) return [];
  const key = policyKeyOf(pull.record.location);
  const answer = pullAnswer(facts, ref);
  const never = decision.behaviour === 'never';
  const events = (why: string): string => `\`kubectl describe pod\` shows \`Failed to pull image "${pull.image}": ${why}\`.`;
  let lines: string[] = [];
  if (answer?.status === 'not-found' && never) {
    lines = [
      `**The container cannot start**: ${key} is Never, so the kubelet never pulls, and the registry does not have this image, so no node pulled it ` +
        'either. Unless it is loaded onto the nodes another way (`kind load`, `ctr import`), the container fails with `ErrImageNeverPull`.',
    ];
  } else if (answer?.status === 'not-found') {
    const what = ref.digest !== null ? 'Pin a digest the repository has' : 'Use a tag the repository has (quick fix), or push this one';
    lines = [`**The pull would fail** (${key} ${decision.policy}): ${BACK_OFF}. ${events(`${ref.canonical}: not found`)} ${what}.`];
  } else if (!never && pull.pullSecrets.length === 0) {
    const refused = answer?.status === 'failed' && answer.problem === 'unauthorized';
    const anonymous = answer?.status === 'found' && anonymousPullOf(facts, ref)?.allowed === false;
    if (refused || anonymous) {
      lines = [
        `**The pull would fail** on a node without credentials for ${code(ref.domain)} (${key} ${decision.policy}): the registry refuses anonymous ` +
          `pulls and this pod spec has no imagePullSecrets, so ${BACK_OFF}. ${events('401 Unauthorized')} Add imagePullSecrets naming a Secret of ` +
          'type `kubernetes.io/dockerconfigjson` (`kubectl create secret docker-registry`), unless the ServiceAccount adds one or the nodes have credentials.',
      ];
    }
  }
  return lines.length > 0 ? [...lines, ''] : [];
}
