/**
 * The findings that depend only on one document's image fields. Workspace-wide checks (pull
 * secrets) live in workspaceFindings.ts, because they change when other files do.
 */
import type { ContainerFields, Field, ImageFields, KustomizeImageFields } from '../manifest/imageFields';
import type { YamlScalar } from '../manifest/yamlTree';
import { PULL_POLICIES, defaultPullPolicy } from '../policy/pullPolicy';
import { isValidTag, parseDigest, parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { Finding } from './finding';
import { isTemplated } from './templates';

/** Maps a span inside a scalar's value to the source, when the value is the source minus its quotes. */
export function valueSpanToSource(scalar: YamlScalar, start: number, end: number): { start: number; end: number } {
  const quote = scalar.style === 'single' || scalar.style === 'double' ? 1 : 0;
  const verbatim = scalar.end - scalar.start - 2 * quote === scalar.value.length && scalar.style !== 'block';
  if (!verbatim) return { start: scalar.start, end: scalar.end };
  return { start: scalar.start + quote + start, end: scalar.start + quote + end };
}

function at(scalar: YamlScalar, code: Finding['code'], message: string): Finding {
  return { code, message, start: scalar.start, end: scalar.end };
}

function referenceFindings(image: YamlScalar, what: string): { findings: Finding[]; ref: ImageReference | null } {
  if (isTemplated(image.value)) {
    const message = `${what} "${image.value}" holds a template placeholder; it is checked only once rendered.`;
    return { findings: [at(image, 'templated-image', message)], ref: null };
  }
  const parsed = parseReference(image.value);
  if (!parsed.ok) {
    // An empty reference has an empty error span; the whole scalar (its quotes) is what to mark.
    const { start, end } = parsed.error.span;
    const span = start === end ? { start: image.start, end: image.end } : valueSpanToSource(image, start, end);
    return { findings: [{ code: 'invalid-reference', message: parsed.error.message, ...span }], ref: null };
  }
  return { findings: [], ref: parsed.value };
}

function tagFindings(image: YamlScalar, ref: ImageReference): Finding[] {
  const tagSpan = ref.parts.tag ? valueSpanToSource(image, ref.parts.tag.start, ref.parts.tag.end) : image;
  if (ref.tag === null && ref.digest === null) {
    return [at(image, 'implicit-latest', `"${image.value}" has no tag, so it means "${ref.familiar}:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`)];
  }
  if (ref.tag === 'latest' && ref.digest === null) {
    return [{ code: 'latest-tag', message: `":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.`, ...tagSpan }];
  }
  if (ref.tag === 'latest' && ref.digest !== null) {
    return [{ code: 'digest-with-latest', message: `The digest already pins this image, but ":latest" makes Kubernetes default imagePullPolicy to Always, so every pod start asks the registry. Drop ":latest".`, ...tagSpan }];
  }
  if (ref.digest === null) {
    return [at(image, 'not-pinned', `"${image.value}" is not pinned to a digest: if tag "${ref.tag}" is pushed again, new pods run different bytes.`)];
  }
  return [];
}

function pullPolicyFindings(container: ContainerFields, ref: ImageReference | null): Finding[] {
  const value = container.pullPolicy?.value;
  // `imagePullPolicy: ""` is not an error: the API server defaults exactly when the field is the
  // empty string (see policy/pullPolicy.ts), so it counts as not written.
  if (!value || value.value === '') return [];
  if (!(PULL_POLICIES as readonly string[]).includes(value.value)) {
    const near = PULL_POLICIES.find((p) => p.toLowerCase() === value.value.toLowerCase());
    const hint = near ? ` Did you mean "${near}"? The value is case-sensitive.` : '';
    return [at(value, 'invalid-pull-policy', `imagePullPolicy "${value.value}" is not one of Always, IfNotPresent, Never; the API server rejects it.${hint}`)];
  }
  if (ref && container.image?.value) {
    const fallback = defaultPullPolicy(container.image.value.value);
    if (fallback.policy === value.value) {
      return [at(value, 'redundant-pull-policy', `imagePullPolicy ${value.value} is what Kubernetes defaults to for "${container.image.value.value}"; the line can go.`)];
    }
  }
  return [];
}

function containerFindings(container: ContainerFields): Finding[] {
  const image = container.image;
  if (!image?.value) {
    const anchor: YamlScalar | Field['key'] | undefined = image?.key ?? container.firstKey ?? undefined;
    const label = container.name ? `Container "${container.name}"` : `${container.list}[${container.index}]`;
    const message = `${label} has no image; the API server rejects a ${container.workloadKind} whose container has none (fine only in a patch).`;
    const findings: Finding[] = [
      anchor ? at(anchor, 'missing-image', message) : { code: 'missing-image', message, start: container.start, end: container.start + 1 },
    ];
    return findings.concat(pullPolicyFindings(container, null));
  }
  const { findings, ref } = referenceFindings(image.value, 'Image');
  if (ref) findings.push(...tagFindings(image.value, ref));
  return findings.concat(pullPolicyFindings(container, ref));
}

function kustomizeFindings(entry: KustomizeImageFields): Finding[] {
  const findings: Finding[] = [];
  for (const f of [entry.name, entry.newName]) {
    if (f?.value) findings.push(...referenceFindings(f.value, f.key.value).findings);
  }
  const tag = entry.newTag?.value;
  if (tag && !isTemplated(tag.value)) {
    if (!isValidTag(tag.value)) {
      findings.push(at(tag, 'invalid-reference', `newTag "${tag.value}" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".`));
    } else if (tag.value === 'latest' && !entry.digest?.value) {
      findings.push(at(tag, 'latest-tag', `newTag "latest" moves with every push, so nodes can run different images; use a version tag or a digest.`));
    } else if (!entry.digest?.value) {
      findings.push(at(tag, 'not-pinned', `newTag "${tag.value}" is not pinned: add a digest so the build always runs the same bytes.`));
    }
  }
  const digest = entry.digest?.value;
  if (digest && !isTemplated(digest.value)) {
    const checked = parseDigest(digest.value);
    if (!checked.ok) findings.push(at(digest, 'invalid-reference', checked.message));
  }
  return findings;
}

export function imageFindings(fields: ImageFields): Finding[] {
  const findings: Finding[] = [];
  for (const container of fields.containers) findings.push(...containerFindings(container));
  for (const entry of fields.kustomizeImages) findings.push(...kustomizeFindings(entry));
  return findings;
}
