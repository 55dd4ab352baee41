/**
 * Hover on an image (`image:`, an image volume's `reference:`, …) shows the parsed reference, its
 * canonical name, whether it is pinned, and the pull policy that will apply with the rule behind it,
 * plus what differs about the place it is in (an ephemeral container, an image volume, a Knative
 * Service). Hover on the pull policy explains the value in force. Hover on kustomize `images:` fields shows the image the entry produces.
 * With RegistryFacts, image hovers add what the registry says (registryHover.ts); given the workspace's
 * kustomize builds, what each overlay that changes the image makes of it (kustomize/overlays.ts).
 */
import type { Analysis, AnalyzedDocument } from '../analysis';
import type { OverlayImage } from '../kustomize/overlays';
import { nonStringImage, nonStringReason, policyKeyOf } from '../diagnostics/imageFindings';
import type { ContainerFields, KustomizeImageFields, NonStringValue } from '../manifest/imageFields';
import { policyOf } from '../policy/pullPolicy';
import type { PullPolicy } from '../policy/pullPolicy';
import { KO_WITHOUT_PATH, koImportPath } from '../reference/ko';
import { parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import { isTemplated } from '../diagnostics/templates';
import type { RegistryFacts } from '../facts';
import { fieldAt } from './fieldAt';
import { code } from './markdown';
import { overlayLines } from './overlayHover';
import { registryLines } from './registryHover';
import type { Hover } from './types';

const POLICY_MEANING: Record<PullPolicy, string> = {
  Always: 'the kubelet asks the registry for the current digest on every container start, and pulls when it differs from the local copy.',
  IfNotPresent: 'the kubelet pulls only when the node has no image by this name yet; a tag pushed again is not picked up by nodes that have the old one.',
  Never: 'the kubelet never pulls; the image must already be on the node, or the pod fails with ErrImageNeverPull.',
};

function referenceTable(ref: ImageReference): string[] {
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

function pinningLine(ref: ImageReference): string {
  if (ref.digest !== null) return 'Pinned: the digest fixes the exact bytes; the tag, if any, is ignored when pulling.';
  return 'Not pinned: the tag can be pushed again, and new pods then run different bytes.';
}

function policyLines(container: ContainerFields): string[] {
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

/** What differs about this place from a Deployment's container, when something does. */
function locationLines(container: ContainerFields): string[] {
  const { label, note } = container.location;
  return note === null ? [] : ['', `*${label.charAt(0).toUpperCase()}${label.slice(1)}* ${code(container.path)}: ${note}`];
}

const TEMPLATED = 'Contains a template placeholder; it is checked once rendered.';

/** A value YAML does not read as a string; spans in `text` are absolute. */
function nonStringHover(text: string, doc: AnalyzedDocument, value: NonStringValue): string[] {
  const image = nonStringImage(text, { ...value, start: doc.start + value.start, end: doc.start + value.end });
  const lines = [`**Image** ${code(image.text)}`, ''];
  return [...lines, image.templated ? TEMPLATED : nonStringReason(value.reads, image.text)];
}

/** ko.build's documented behaviour for `ko://` values (see reference/ko.ts). */
function koHover(importPath: string): string[] {
  if (importPath === '') return [`**Invalid**: ${KO_WITHOUT_PATH}`];
  return [
    `**ko** builds the Go package ${code(importPath)}: \`ko resolve\` and \`ko apply\` push the image to \`$KO_DOCKER_REPO\` ` +
      "and replace this value with the built image's reference, by digest.",
    '',
    'Until ko has run there is no registry to ask and no digest to pin.',
  ];
}

/** What the kustomize builds of a workspace make of a container's image (kustomize/overlays.ts), when a front end knows them. */
export type OverlaysOf = (doc: AnalyzedDocument, container: ContainerFields) => readonly OverlayImage[];

function imageHover(text: string, doc: AnalyzedDocument, container: ContainerFields, facts: RegistryFacts | null, overlays: OverlaysOf | null): string[] {
  const image = container.image?.value;
  const written = container.pullPolicy?.value?.value ?? null;
  const nonString = container.image?.nonString;
  if (nonString) return nonStringHover(text, doc, nonString);
  const { imageKey, label } = container.location;
  if (!image) return [`**No ${imageKey}**: the ${label} needs one.`, '', ...policyLines(container), ...locationLines(container)];
  const lines = [`**Image** ${code(image.value)}`, ''];
  if (isTemplated(image.value)) return [...lines, TEMPLATED];
  const importPath = koImportPath(image.value);
  if (importPath !== null) {
    // Only a written policy is known: the default depends on the reference ko puts in.
    return [...lines, ...koHover(importPath), ...(written === null ? [] : ['', ...policyLines(container)])];
  }
  const parsed = parseReference(image.value);
  const built = overlays ? overlayLines(overlays(doc, container)) : [];
  if (!parsed.ok)
    return [
      ...lines,
      `**Invalid reference**: ${parsed.error.message} The runtime reports ${code(parsed.error.category)}.`,
      ...built,
      '',
      ...policyLines(container),
      ...locationLines(container),
    ];
  const ref = parsed.value;
  // The pull policy comes before the parts table: it is what people most often get wrong, and a
  // hover that is too tall for the editor cuts off its end.
  const registry = facts ? registryLines(ref, facts) : [];
  return [
    ...lines,
    `Canonical: ${code(ref.canonical)}`,
    ...built,
    '',
    ...policyLines(container),
    ...locationLines(container),
    '',
    pinningLine(ref),
    '',
    ...registry,
    ...referenceTable(ref),
  ];
}

function pullPolicyHover(container: ContainerFields): string[] {
  return [...policyLines(container), ...locationLines(container)];
}

/** The image reference a kustomize images entry produces for resources whose image matches `name`. */
function kustomizeHover(entry: KustomizeImageFields, facts: RegistryFacts | null): string[] {
  const name = entry.name?.value?.value;
  const newName = entry.newName?.value?.value ?? name;
  if (!newName) return ['**kustomize image override** without a `name`: it matches no image.'];
  const tag = entry.newTag?.value?.value;
  const digest = entry.digest?.value?.value;
  const result = `${newName}${tag ? ':' + tag : ''}${digest ? '@' + digest : ''}`;
  const lines = [`**kustomize** rewrites images named ${code(name ?? '?')} to ${code(result)}`];
  if (!tag && !digest) lines.push('', 'No newTag or digest: each matched image keeps its own tag.');
  const parsed = parseReference(result);
  if (parsed.ok && (tag || digest)) {
    lines.push('', ...referenceTable(parsed.value), '', pinningLine(parsed.value));
    const registry = facts ? registryLines(parsed.value, facts) : [];
    if (registry.length > 0) lines.push('', ...registry.slice(0, -1));
  }
  return lines;
}

export function computeHover(analysis: Analysis, offset: number, facts?: RegistryFacts | null, overlays?: OverlaysOf): Hover | null {
  const hit = fieldAt(analysis, offset);
  if (!hit) return null;
  const known = facts ?? null;
  const lines =
    hit.kind === 'kustomize'
      ? kustomizeHover(hit.entry, known)
      : hit.kind === 'image'
        ? imageHover(analysis.text, hit.doc, hit.container, known, overlays ?? null)
        : pullPolicyHover(hit.container);
  const span = hit.field.value ?? hit.field.key;
  return { markdown: lines.join('\n'), start: hit.doc.start + span.start, end: hit.doc.start + span.end };
}
