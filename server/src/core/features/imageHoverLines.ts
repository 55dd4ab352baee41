/**
 * Lines every image hover shares: the parts of a reference, whether it is pinned, and the pull
 * policy in force with the rule behind it.
 */
import { policyKeyOf } from '../diagnostics/imageFindings';
import type { ContainerFields } from '../manifest/imageFields';
import { policyOf } from '../policy/pullPolicy';
import type { PolicyHolder, PullPolicy } from '../policy/pullPolicy';
import type { ImageReference } from '../reference/reference';
import { code } from './markdown';

const POLICY_MEANING: Record<PullPolicy, string> = {
  Always: 'the kubelet asks the registry for the current digest on every container start, and pulls when it differs from the local copy.',
  IfNotPresent: 'the kubelet pulls only when the node has no image by this name yet; a tag pushed again is not picked up by nodes that have the old one.',
  Never: 'the kubelet never pulls; the image must already be on the node, or the pod fails with ErrImageNeverPull.',
};

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

export function pinningLine(ref: ImageReference): string {
  if (ref.digest !== null) return 'Pinned: the digest fixes the exact bytes; the tag, if any, is ignored when pulling.';
  return 'Not pinned: the tag can be pushed again, and new pods then run different bytes.';
}

export function policyLines(container: PolicyHolder & Pick<ContainerFields, 'location'>): string[] {
  const decision = policyOf(container);
  const key = policyKeyOf(container.location);
  if (!decision) {
    const accepted = container.location.policy.policies;
    const written = container.pullPolicy?.value?.value ?? '';
    return [`**${key} ${code(written)} is invalid**: the API server accepts only ${accepted.slice(0, -1).join(', ')} or ${accepted[accepted.length - 1]}.`];
  }
  const origin = decision.source === 'explicit' ? 'set in the manifest' : 'default';
  return [`**Effective ${key}: ${decision.policy}** (${origin}). ${decision.reason}`, '', `With ${decision.policy}, ${POLICY_MEANING[decision.policy]}`];
}
