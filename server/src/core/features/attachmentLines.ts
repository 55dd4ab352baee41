/**
 * What is attached to an image, for its hover: one summary line for the pulled manifest with one part per kind
 * found, "signed: cosign keyless, 2026-11-02 · SBOM: SPDX · provenance: SLSA v1", and for an index the platforms'
 * attachments: appended as "each platform: …" when every platform has the same, else one line per platform.
 * A signature counts whatever its format; one checked against the keys trusted for the repository says so:
 * "signed: cosign (key ci-2026) ✓ verified" or "signed: cosign keyless (bundle) ✓ verified: `<subject>` via `<issuer>`", else
 * "✗ not verified: <why>". Nothing when the referrers were not asked.
 */
import type { AttachmentKind } from '../attachments/recognize';
import { digestAnswer, referrersOf, tagAnswer } from '../facts';
import type { PlatformFact, ReferrerFact, ReferrersAnswer, RegistryFacts, SignatureVerification } from '../facts';
import type { ImageReference } from '../reference/reference';
import { code } from './markdown';

const LABELS: ReadonlyArray<readonly [AttachmentKind, string]> = [
  ['sbom', 'SBOM'],
  ['provenance', 'provenance'],
  ['vulnerability-report', 'vulnerability report'],
  ['attestation', 'attestation'],
];

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The day of the newest RFC 3339 time, `2026-11-02`. */
function newestDay(times: readonly (string | undefined)[]): string | undefined {
  const days = times.map((time) => /^(\d{4}-\d{2}-\d{2})T/.exec(time ?? '')?.[1]).filter((day) => day !== undefined);
  return days.sort().at(-1);
}

function hasSignature(referrers: readonly ReferrerFact[]): boolean {
  return referrers.some((referrer) => referrer.contents.some((content) => content.kind === 'signature'));
}

/**
 * A signature format with its verification: `cosign (key ci-2026) ✓ verified`, `cosign key ✗ not verified: …`,
 * `cosign keyless (bundle) ✓ verified: <subject> via <issuer>` (subject and issuer as inline code).
 */
function verifiedFormat(format: string, verification: SignatureVerification | undefined): string {
  if (verification === undefined) return format;
  if (verification.status === 'verified' && 'key' in verification) return `${format.replace(/ key$/, '')} (key ${verification.key}) ✓ verified`;
  if (verification.status === 'verified')
    return `${format.replace(/^cosign \(/, 'cosign keyless (')} ✓ verified: ${code(verification.subject)} via ${code(verification.issuer)}`;
  return `${format} ✗ not verified: ${verification.reason}`;
}

/** One part per kind found, in a fixed order; empty when nothing is attached. */
export function attachmentParts(referrers: readonly ReferrerFact[]): string[] {
  const parts: string[] = [];
  const signatures = referrers.filter((referrer) => referrer.contents.some((content) => content.kind === 'signature'));
  if (signatures.length > 0) {
    const formats = unique(
      signatures.flatMap((referrer) =>
        referrer.contents.filter((content) => content.kind === 'signature').map((content) => verifiedFormat(content.format, referrer.verification)),
      ),
    );
    const day = newestDay(signatures.map((referrer) => referrer.created));
    parts.push(`signed: ${formats.join(', ')}${day === undefined ? '' : `, ${day}`}`);
  }
  for (const [kind, label] of LABELS) {
    const formats = unique(referrers.flatMap((referrer) => referrer.contents.filter((content) => content.kind === kind).map((content) => content.format)));
    if (formats.length > 0) parts.push(`${label}: ${formats.join(', ')}`);
  }
  const others = referrers.filter((referrer) => referrer.contents.length === 0).length;
  if (others > 0) parts.push(`${others} other artifact${others === 1 ? '' : 's'}`);
  return parts;
}

function platformName(platform: PlatformFact): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

function found(answer: ReferrersAnswer | undefined): readonly ReferrerFact[] | undefined {
  return answer?.status === 'found' ? answer.referrers : undefined;
}

/** Markdown lines about what is attached to the manifest ref pulls (and its platforms), each block ending with an empty line. */
export function attachmentLines(ref: ImageReference, facts: RegistryFacts): string[] {
  const pulled = ref.digest !== null ? digestAnswer(facts, ref) : tagAnswer(facts, ref);
  if (pulled?.status !== 'found') return [];
  const own = referrersOf(facts, ref, pulled.digest);
  if (own === undefined) return [];
  if (own.status === 'failed') return [`**Attached**: not known: ${own.reason}`, ''];
  const platforms = pulled.platforms
    .map((platform) => ({ platform, referrers: found(referrersOf(facts, ref, platform.digest)) }))
    .filter((entry): entry is { platform: PlatformFact; referrers: readonly ReferrerFact[] } => entry.referrers !== undefined);
  const parts = attachmentParts(own.referrers);
  if (!hasSignature(own.referrers) && !platforms.some((entry) => hasSignature(entry.referrers))) parts.unshift('no signature found');
  const summaries = platforms.map((entry) => attachmentParts(entry.referrers).join(' · '));
  const same = summaries.length > 0 && summaries.every((summary) => summary === summaries[0]);
  if (same && summaries[0] !== '') parts.push(`each platform: ${summaries[0]}`);
  const stale = own.stale ? ' *(cached: the registry could not be reached)*' : '';
  const lines = [`**Attached**: ${parts.join(' · ')}${stale}`];
  if (!same) {
    for (const [position, entry] of platforms.entries()) lines.push(`- ${code(platformName(entry.platform))}: ${summaries[position] || 'nothing'}`);
  }
  return [...lines, ''];
}
