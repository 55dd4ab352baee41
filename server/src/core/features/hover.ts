/**
 * Hover on an image (`image:`, an image volume's `reference:`, a Dockerfile's `FROM`, a Compose
 * service's `image:`, …) starts with one summary line (imageHoverLines.ts: canonical reference ·
 * effective pull policy · pinned or not · registry state), then compact sections: the build
 * instruction's details, overlays, the pull policy with the rule behind it and what differs about
 * the place (an ephemeral container, an image volume, a Knative Service), pinning, the registry's
 * answer with where a pull would fail, and the reference's parts as one table row. Hover on the pull policy explains the value in force. Hover on kustomize `images:` fields shows the image the entry produces.
 * With RegistryFacts, image hovers add what the registry says (registryHover.ts); given the workspace's
 * kustomize builds, what each overlay that changes the image makes of it (kustomize/overlays.ts).
 */
import type { Analysis, AnalyzedDocument } from '../analysis';
import type { OverlayImage } from '../kustomize/overlays';
import { nonStringImage, nonStringReason } from '../diagnostics/imageFindings';
import type { BuildImage, ContainerFields, KustomizeImageFields, NonStringValue } from '../manifest/imageFields';
import { KO_WITHOUT_PATH, koImportPath } from '../reference/ko';
import { parseReference } from '../reference/reference';
import { isTemplated } from '../diagnostics/templates';
import type { RegistryFacts } from '../facts';
import { valuesHover } from '../helm/hover';
import { fieldAt } from './fieldAt';
import { paragraphs, pinningLine, policyLines, pulledLines, referenceTable, summaryLine } from './imageHoverLines';
import { code } from './markdown';
import { overlayLines } from './overlayHover';
import { pullFailureLines, registryLines } from './registryHover';
import { scanLines } from './scanLines';
import type { Hover } from './types';

/** The pull policy, then what differs about the place; where no policy applies, the place alone. */
function placeLines(container: ContainerFields): string[] {
  const policy = policyLines(container);
  const place = locationLines(container);
  return policy.length > 0 ? [...policy, ...place] : place.slice(1);
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

/** Platforms BuildKit fills in itself (automatic platform ARGs). */
const AUTOMATIC_PLATFORMS = /^\$\{?(BUILDPLATFORM|TARGETPLATFORM)\}?$/;

/** What a Dockerfile instruction adds: the build argument the image comes from, the stage, the platform. */
function buildLines(build: BuildImage | undefined, image: string): string[] {
  if (!build) return [];
  const lines: string[] = [];
  const { argument, stage, platform } = build;
  if (argument) {
    const users = argument.uses.length === 1 ? 'the FROM that uses it starts' : `the ${argument.uses.length} FROMs that use it start`;
    lines.push(
      `${code(`ARG ${argument.name}`)}, default ${code(image)}: ${users} from this image unless \`--build-arg ${argument.name}=…\` names another.`,
      '',
    );
  }
  if (stage !== null) lines.push(`Starts the stage ${code(stage)}.`, '');
  if (platform !== null) {
    const automatic = AUTOMATIC_PLATFORMS.exec(platform);
    const filled = automatic
      ? `: BuildKit fills it in with ${automatic[1] === 'BUILDPLATFORM' ? 'the platform of the machine that builds' : 'the platform being built for'}`
      : platform.includes('$')
        ? ': a build argument, filled in when the build runs'
        : '';
    lines.push(`Platform ${code(platform)}${filled}.`, '');
  }
  return lines;
}

/** `${VAR:-default}` as the whole value (Compose, envsubst, BuildKit): the image when VAR is unset or empty. */
const WITH_DEFAULT = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)-([^}$]*)\}$/;

function fallbackLines(value: string): string[] {
  const match = WITH_DEFAULT.exec(value);
  if (!match) return [];
  const [, name, colon, fallback] = match;
  return ['', `When ${code(name)} is unset${colon ? ' or empty' : ''}, the image is ${code(fallback)}.`];
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
  if (!image) return [`**No ${imageKey}**: the ${label} needs one.`, '', ...placeLines(container)];
  const build = buildLines(container.build, image.value);
  const heading = [`**Image** ${code(image.value)}`, '', ...build];
  if (isTemplated(image.value)) return [...heading, TEMPLATED, ...fallbackLines(image.value)];
  const importPath = koImportPath(image.value);
  if (importPath !== null) {
    // Only a written policy is known: the default depends on the reference ko puts in.
    return [...heading, ...koHover(importPath), ...(written === null ? [] : ['', ...policyLines(container)])];
  }
  const parsed = parseReference(image.value);
  const built = overlays ? overlayLines(overlays(doc, container)) : [];
  if (!parsed.ok)
    return paragraphs(
      heading,
      [`**Invalid reference**: ${parsed.error.message} The runtime reports ${code(parsed.error.category)}.`],
      built,
      placeLines(container),
    );
  const ref = parsed.value;
  const pull = { image: image.value, record: container, pullSecrets: container.pullSecrets };
  const registry = facts ? [...pullFailureLines(ref, pull, facts), ...registryLines(ref, facts, container.placement), ...scanLines(ref, facts)] : [];
  return paragraphs(
    [summaryLine(ref, container, facts)],
    build,
    pulledLines(ref, placeLines(container), container.location.runner, built),
    registry,
    referenceTable(ref),
  );
}

function pullPolicyHover(container: ContainerFields): string[] {
  return [...placeLines(container)];
}

/** The image reference a kustomize images entry produces for resources whose image matches `name`. */
function kustomizeHover(entry: KustomizeImageFields, facts: RegistryFacts | null): string[] {
  const name = entry.name?.value?.value;
  const newName = entry.newName?.value?.value ?? name;
  if (!newName) return ['**kustomize image override** without a `name`: it matches no image.'];
  const tag = entry.newTag?.value?.value;
  const digest = entry.digest?.value?.value;
  const result = `${newName}${tag ? ':' + tag : ''}${digest ? '@' + digest : ''}`;
  const rewrites = [`**kustomize** rewrites images named ${code(name ?? '?')} to ${code(result)}`];
  if (!tag && !digest) return [...rewrites, '', 'No newTag or digest: each matched image keeps its own tag.'];
  const parsed = parseReference(result);
  if (!parsed.ok) return rewrites;
  const ref = parsed.value;
  return paragraphs([summaryLine(ref, null, facts)], rewrites, [pinningLine(ref)], facts ? registryLines(ref, facts) : [], referenceTable(ref));
}

export function computeHover(analysis: Analysis, offset: number, facts?: RegistryFacts | null, overlays?: OverlaysOf): Hover | null {
  const hit = fieldAt(analysis, offset);
  if (!hit) return null;
  const known = facts ?? null;
  const lines =
    hit.kind === 'kustomize'
      ? kustomizeHover(hit.entry, known)
      : hit.kind === 'values'
        ? valuesHover(hit.image, analysis.chart, known)
        : hit.kind === 'image'
          ? imageHover(analysis.text, hit.doc, hit.container, known, overlays ?? null)
          : pullPolicyHover(hit.container);
  const span = ((hit.kind === 'image' || hit.kind === 'pullPolicy') && hit.use) || hit.field.value || hit.field.key;
  return { markdown: lines.join('\n'), start: hit.doc.start + span.start, end: hit.doc.start + span.end };
}
