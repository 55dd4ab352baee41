/**
 * The registry part of an image hover: where the tag points now, whether a pinned digest still
 * matches it, and what the pulled manifest is (media type, platforms with their digests, total
 * size, created date, the org.opencontainers.image.* labels). Lines of markdown ending with an
 * empty line, or no lines when the facts say nothing about this image.
 */
import { digestAnswer, isRateLimitLow, problemOf, tagAnswer, effectiveTag } from '../facts';
import type { ManifestAnswer, ManifestFound, PlatformFact, RegistryFacts } from '../facts';
import { platformFit, platformList } from '../diagnostics/platformFindings';
import type { NodePlacement } from '../platforms';
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

function platformName(platform: PlatformFact): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
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
  const kind = MEDIA_TYPES[found.mediaType];
  const lines = [`Media type: ${code(found.mediaType)}${kind ? ` (${kind})` : ''}`];
  if (found.isIndex) {
    const sizes = found.platforms.map((p) => p.totalSize);
    if (sizes.length > 0 && sizes.every((size) => size !== undefined)) {
      lines.push(
        '',
        `Total size: ${formatSize(sizes.reduce((sum: number, size) => sum + size!, 0))} over ${found.platforms.length} platforms (compressed layers)`,
      );
    }
    if (found.platforms.length > 0) lines.push('', ...platformTable(found));
  } else {
    if (found.totalSize !== undefined) lines.push('', `Total size: ${formatSize(found.totalSize)} (compressed layers)`);
  }
  if (found.created !== undefined) lines.push('', `Created: ${formatCreated(found.created)}`);
  const labels = KEY_LABELS.flatMap((key) => {
    const value = found.labels[`org.opencontainers.image.${key}`];
    return value === undefined || (key === 'created' && found.created !== undefined) ? [] : [`- ${key}: ${code(value)}`];
  });
  if (labels.length > 0) lines.push('', 'Labels:', ...labels);
  return lines;
}

/** A window in short units: `6 h`, `90 min`, `30 s`. */
function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** The pull rate limit the registry announced, when it did; low, it says that what can wait is waiting. */
function rateLimitLines(ref: ImageReference, facts: RegistryFacts): string[] {
  const limit = facts.rateLimits?.get(ref.domain);
  if (limit === undefined) return [];
  const window = limit.windowSeconds === undefined ? '' : ` per ${windowText(limit.windowSeconds)}`;
  const low = isRateLimitLow(limit) ? ': **low**, so tag lists, anonymous-pull checks and referrers are not asked until it recovers' : '';
  return [`**Pull rate limit**: ${limit.remaining} of ${limit.limit} pulls left${window} at ${code(ref.domain)}${low}`, ''];
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
