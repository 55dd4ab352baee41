/**
 * Lines every image hover shares. A hover starts with one summary line (the canonical reference ·
 * the effective pull policy · pinned or not · what the registry said), then compact sections, each
 * said once: the pull policy with the rule behind it, pinning, the registry's answer, and the parts
 * of the reference as one table row. A hover too tall for the editor is cut off at its end, so what
 * people most often get wrong comes first.
 */
import { policyKeyOf } from '../diagnostics/imageFindings';
import type { RegistryFacts } from '../facts';
import type { ContainerFields } from '../manifest/imageFields';
import { policyOf } from '../policy/pullPolicy';
import type { PolicyHolder } from '../policy/pullPolicy';
import type { ImageReference } from '../reference/reference';
import { code } from './markdown';
import { registryState } from './registryHover';

type PolicyRecord = PolicyHolder & Pick<ContainerFields, 'location'>;

/** The parts of a reference as one table row. */
export function referenceTable(ref: ImageReference): string[] {
  const registry = `${code(ref.domain)}${ref.parts.domain ? '' : ' (implied)'}`;
  const tag = ref.tag === null ? (ref.digest === null ? '*none: means* `latest`' : '*none*') : code(ref.tag);
  return [
    '| Registry | Repository | Tag | Digest |',
    '|---|---|---|---|',
    `| ${registry} | ${code(ref.path)} | ${tag} | ${ref.digest === null ? '*none*' : code(ref.digest)} |`,
  ];
}

/** The pull policy in force, for the summary line: null where none applies. */
function policyWord(record: PolicyRecord | null): string | null {
  if (record === null || record.location.policy === null) return null;
  return policyOf(record)?.policy ?? `invalid ${policyKeyOf(record.location)}`;
}

/** The first line of an image hover: canonical reference · effective policy · pinned or not · registry state (each when known). */
export function summaryLine(ref: ImageReference, record: PolicyRecord | null, facts: RegistryFacts | null): string {
  const registry = facts ? registryState(ref, facts) : null;
  const parts = [code(ref.canonical), policyWord(record), ref.digest !== null ? 'pinned' : 'not pinned', registry && `registry: ${registry}`];
  return parts.filter((part): part is string => part !== null).join(' · ');
}

/** `runner` is what runs the image, plural (ImageLocation.runner). */
export function pinningLine(ref: ImageReference, runner = 'pods'): string {
  if (ref.digest !== null) return 'The digest fixes the exact bytes; the tag, if any, is ignored when pulling.';
  return `The tag can be pushed again, and new ${runner} then run different bytes.`;
}

/** The pull policy in force and what it does, in the rule's own vocabulary, as one paragraph; none where no pull policy applies. */
export function policyLines(container: PolicyRecord): string[] {
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
  return [`**${key}: ${decision.policy}** (${origin}). ${decision.reason} With ${decision.policy}, ${rule.meaning(decision.policy)}`];
}

/**
 * The sections after the summary line: what kustomize overlays make of the image (`overlays`:
 * overlayHover.ts), the pull policy (`policy`: policyLines, or none where none applies), pinning.
 */
export function pulledLines(ref: ImageReference, policy: readonly string[], runner?: string, overlays: readonly string[] = []): string[] {
  return paragraphs(overlays, policy, [pinningLine(ref, runner)]);
}

/** Sections joined by one empty line; empty lines at a section's edges and empty sections are dropped. */
export function paragraphs(...sections: readonly (readonly string[])[]): string[] {
  const trimmed = sections.map((section) => {
    let start = 0;
    let end = section.length;
    while (start < end && section[start] === '') start++;
    while (end > start && section[end - 1] === '') end--;
    return section.slice(start, end);
  });
  return trimmed.filter((section) => section.length > 0).flatMap((section, i) => (i === 0 ? section : ['', ...section]));
}
