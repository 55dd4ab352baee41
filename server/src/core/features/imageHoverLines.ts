/**
 * Lines every image hover shares: the parts of a reference, whether it is pinned, and the pull
 * policy in force with the rule behind it.
 */
import { policyKeyOf } from '../diagnostics/imageFindings';
import type { ContainerFields } from '../manifest/imageFields';
import { policyOf } from '../policy/pullPolicy';
import type { PolicyHolder } from '../policy/pullPolicy';
import type { ImageReference } from '../reference/reference';
import { code } from './markdown';

export function referenceTable(ref: ImageReference): string[] {
  const domainNote = ref.parts.domain ? '' : ' (implied: Docker Hub)';
  return [
    `| | |`,
    `|---|---|`,
    `| Registry | ${code(ref.domain)}${domainNote} |`,
    `| Repository | ${code(ref.path)} |`,
    `| Tag | ${ref.tag === null ? (ref.digest === null ? '*none: means* `latest`' : '*none*') : code(ref.tag)} |`,
    `| Digest | ${ref.digest === null ? '*none: not pinned*' : code(ref.digest)} |`,
  ];
}

/**
 * The canonical name, what kustomize overlays make of the image (`overlays`: overlayHover.ts), the
 * pull policy (`policy`: policyLines, or none where none applies) and whether the image is pinned.
 * The pull policy comes before the parts table: it is what people most often get wrong, and a hover
 * too tall for the editor is cut off at its end.
 */
export function pulledLines(ref: ImageReference, policy: readonly string[], runner?: string, overlays: readonly string[] = []): string[] {
  return [`Canonical: ${code(ref.canonical)}`, ...overlays, '', ...policy, '', pinningLine(ref, runner)];
}

/** `runner` is what runs the image, plural (ImageLocation.runner). */
export function pinningLine(ref: ImageReference, runner = 'pods'): string {
  if (ref.digest !== null) return 'Pinned: the digest fixes the exact bytes; the tag, if any, is ignored when pulling.';
  return `Not pinned: the tag can be pushed again, and new ${runner} then run different bytes.`;
}

/** The pull policy in force and what it does, in the rule's own vocabulary; none where no pull policy applies. */
export function policyLines(container: PolicyHolder & Pick<ContainerFields, 'location'>): string[] {
  const rule = container.location.policy;
  // Where no pull policy applies, the location's note says why.
  if (rule === null) return [];
  const decision = policyOf(container);
  const key = policyKeyOf(container.location);
  if (!decision) {
    const written = container.pullPolicy?.value?.value ?? '';
    const accepted = rule.accepted;
    return [`**${key} ${code(written)} is invalid**: ${rule.rejecter} accepts only ${accepted.slice(0, -1).join(', ')} or ${accepted[accepted.length - 1]}.`];
  }
  const origin = decision.source === 'explicit' ? 'set in the manifest' : 'default';
  return [`**Effective ${key}: ${decision.policy}** (${origin}). ${decision.reason}`, '', `With ${decision.policy}, ${rule.meaning(decision.policy)}`];
}
