/**
 * The findings that depend only on one document's image fields. Workspace-wide checks (pull
 * secrets) live in workspaceFindings.ts, because they change when other files do.
 */
import type { ContainerFields, Field, ImageFields, KustomizeImageFields, NonString, NonStringValue } from '../manifest/imageFields';
import type { YamlScalar } from '../manifest/yamlTree';
import type { ImageLocation } from '../manifest/locations';
import { defaultPullPolicy, policyOf } from '../policy/pullPolicy';
import type { PullPolicyDecision } from '../policy/pullPolicy';
import { plainScalarType } from '../manifest/plainScalarType';
import { KO_WITHOUT_PATH, koImportPath } from '../reference/ko';
import { quote } from '../reference/quote';
import { isValidTag, parseDigest, parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { Span } from '../span';
import type { Finding } from './finding';
import { isTemplated, writtenValue } from './templates';
import { uppercaseRegistry, uppercaseRegistryMessage } from './uppercaseRegistry';

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

function templatedMessage(what: string, value: string): string {
  return `${what} ${quote(value)} holds a template placeholder; it is checked only once rendered.`;
}

function referenceFindings(image: YamlScalar, what: string): { findings: Finding[]; ref: ImageReference | null } {
  if (isTemplated(image.value)) return { findings: [at(image, 'templated-image', templatedMessage(what, image.value))], ref: null };
  const importPath = koImportPath(image.value);
  if (importPath !== null) return { findings: importPath === '' ? [at(image, 'invalid-reference', KO_WITHOUT_PATH)] : [], ref: null };
  const parsed = parseReference(image.value);
  if (!parsed.ok) {
    // An empty reference has an empty error span; the whole scalar (its quotes) is what to mark.
    const { start, end } = parsed.error.span;
    const span = start === end ? { start: image.start, end: image.end } : valueSpanToSource(image, start, end);
    return { findings: [{ code: 'invalid-reference', message: parsed.error.message, ...span }], ref: null };
  }
  const upper = uppercaseRegistry(parsed.value);
  const findings: Finding[] = upper
    ? [{ code: 'uppercase-registry', message: uppercaseRegistryMessage(upper), ...valueSpanToSource(image, upper.span.start, upper.span.end) }]
    : [];
  return { findings, ref: parsed.value };
}

/** Whether the record's image is built where it is named (Compose's `build` policy), so nothing pulls it. */
export function builtHere(container: ContainerFields): boolean {
  return policyOf(container)?.behaviour === 'build';
}

/** The key a message names for the pull policy of `location` (also where it has no field for one). */
export function policyKeyOf(location: ImageLocation): string {
  return location.policyKey ?? 'pull policy';
}

function tagFindings(image: YamlScalar, ref: ImageReference, location: ImageLocation): Finding[] {
  const tagSpan = ref.parts.tag ? valueSpanToSource(image, ref.parts.tag.start, ref.parts.tag.end) : image;
  const rule = location.policy;
  // Asked only where a message depends on it: it parses the image again.
  const fallback = (): PullPolicyDecision | null => (rule === null ? null : defaultPullPolicy(image.value, rule));
  const alwaysPulled = (): boolean => fallback()?.behaviour === 'always';
  if (ref.tag === null && ref.digest === null) {
    const pulled = alwaysPulled() ? `, pulled on every ${rule!.occasion} (${policyKeyOf(location)} defaults to ${fallback()!.policy})` : '';
    return [at(image, 'implicit-latest', `"${image.value}" has no tag, so it means "${ref.familiar}:latest": whatever was pushed last${pulled}.`)];
  }
  if (ref.tag === 'latest' && ref.digest === null) {
    return [
      { code: 'latest-tag', message: `":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.`, ...tagSpan },
    ];
  }
  // Only where ":latest" makes the default Always does it cost anything next to a digest.
  if (ref.tag === 'latest' && ref.digest !== null && alwaysPulled()) {
    return [
      {
        code: 'digest-with-latest',
        message:
          `The digest already pins this image, but ":latest" makes ${rule!.owner} default ` +
          `${policyKeyOf(location)} to ${fallback()!.policy}, so every ${rule!.occasion} asks the registry; drop ":latest".`,
        ...tagSpan,
      },
    ];
  }
  if (ref.digest === null) {
    return [
      at(image, 'not-pinned', `"${image.value}" is not pinned to a digest: if tag "${ref.tag}" is pushed again, new ${location.runner} run different bytes.`),
    ];
  }
  return [];
}

/** For a policy that differs from an accepted one only in case: a clause naming the accepted spelling, else ''. */
export function caseHint(policies: readonly string[], value: string): string {
  const near = policies.find((p) => p.toLowerCase() === value.toLowerCase());
  return near ? ` (the value is case-sensitive: "${near}")` : '';
}

function pullPolicyFindings(container: ContainerFields, ref: ImageReference | null): Finding[] {
  const value = container.pullPolicy?.value;
  const { location } = container;
  const key = policyKeyOf(location);
  const rule = location.policy;
  // An empty policy ("") is not an error: the API server defaults exactly when the field is the
  // empty string (see policy/pullPolicy.ts), so it counts as not written.
  if (!value || value.value === '' || rule === null) return [];
  const image = container.image?.value?.value ?? '';
  if (rule.behaviourOf(value.value, image) === null) {
    const hint = caseHint(rule.policies, value.value);
    return [at(value, 'invalid-pull-policy', `${key} "${value.value}" is not one of ${rule.accepted.join(', ')}; ${rule.rejecter} rejects it${hint}.`)];
  }
  if (ref && container.image?.value) {
    const fallback = defaultPullPolicy(image, rule);
    if (fallback.policy === value.value) {
      const message = `${key} ${value.value} is what ${rule.owner} defaults to for "${image}"; the line can go.`;
      return [at(value, 'redundant-pull-policy', message)];
    }
  }
  return [];
}

/** A value YAML reads as something other than a string, as the user wrote it. */
export interface NonStringImage {
  readonly span: Span;
  readonly text: string;
  /** It holds a Go template that YAML read as a mapping (`{{ .Image }}`): a string once rendered. */
  readonly templated: boolean;
}

export function nonStringImage(source: string, nonString: NonStringValue): NonStringImage {
  const span = writtenValue(source, nonString);
  const text = source.slice(span.start, span.end);
  // Only a template makes the rest of the line part of the value; otherwise the node is the value.
  if (isTemplated(text)) return { span, text, templated: true };
  const own = { start: nonString.start, end: Math.min(nonString.end, span.end) };
  return { span: own, text: source.slice(own.start, own.end), templated: false };
}

/** Why the API server rejects the value, for a message or a hover. */
export function nonStringReason(reads: NonString, text: string): string {
  const rejected = 'so the API server rejects the object';
  if (reads === 'mapping' || reads === 'sequence') return `The image must be a string, but YAML reads this value as a ${reads}, ${rejected}.`;
  // A number can be any number of digits long; the message shows its start.
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `The image must be a string, but YAML reads ${shown} as a ${reads}, ${rejected}; quote it: ${quote(text)}.`;
}

function nonStringFindings(source: string, nonString: NonStringValue): Finding[] {
  const value = nonStringImage(source, nonString);
  if (value.templated) return [{ code: 'templated-image', message: templatedMessage('Image', value.text), ...value.span }];
  return [{ code: 'image-not-string', message: nonStringReason(nonString.reads, value.text), ...value.span }];
}

/**
 * `mayBeBroken` says a YAML syntax error comes before the next container starts: what the broken text
 * held is unknown (a template's `{{- if }}` or `{{ include … | indent 8 }}` line often held the
 * image), so a container there without an image is not said to have none.
 */
function containerFindings(container: ContainerFields, source: string, mayBeBroken: boolean): Finding[] {
  const image = container.image;
  if (image?.nonString) return nonStringFindings(source, image.nonString).concat(pullPolicyFindings(container, null));
  // Where the image may come from elsewhere, only a key written without a value is missing one.
  if (!image?.value && (mayBeBroken || (!image && !container.location.imageRequired))) return pullPolicyFindings(container, null);
  if (!image?.value) {
    const anchor: YamlScalar | Field['key'] | undefined = image?.key ?? container.firstKey ?? undefined;
    const { label, imageKey } = container.location;
    const which = `${label.charAt(0).toUpperCase()}${label.slice(1)} ${container.name ? `"${container.name}"` : container.path}`;
    const message = `${which} has no ${imageKey}; the API server rejects a ${container.workloadKind} whose ${label} has none (fine only in a patch).`;
    const findings: Finding[] = [
      anchor ? at(anchor, 'missing-image', message) : { code: 'missing-image', message, start: container.start, end: container.start + 1 },
    ];
    return findings.concat(pullPolicyFindings(container, null));
  }
  const { findings, ref } = referenceFindings(image.value, 'Image');
  // An image that is built rather than pulled (a Compose service's `build`) names what the build produces.
  if (ref && !builtHere(container)) findings.push(...tagFindings(image.value, ref, container.location));
  return findings.concat(pullPolicyFindings(container, ref));
}

/**
 * kustomize reads a kustomization through JSON into string fields (sigs.k8s.io/yaml), so a plain
 * `newTag: 3.6` (a number) or `newTag: yes` (a boolean) makes it refuse the whole kustomization.
 */
function notStringEntryField(field: Field): Finding | null {
  const value = field.value;
  if (!value || value.style !== 'plain') return null;
  const reads = plainScalarType(value.value);
  if (reads === 'string') return null;
  const key = field.key.value;
  return at(
    value,
    'image-not-string',
    `kustomize reads ${key} ${value.value} as a ${reads} and refuses the kustomization (it must be a string); quote it: ${quote(value.value)}.`,
  );
}

function kustomizeFindings(entry: KustomizeImageFields): Finding[] {
  const findings: Finding[] = [];
  const fields = [entry.name, entry.newName, entry.newTag, entry.digest].filter((f): f is Field => f !== null);
  const notStrings = fields.flatMap((f) => notStringEntryField(f) ?? []);
  if (notStrings.length > 0) return notStrings;
  for (const f of [entry.name, entry.newName]) {
    if (f?.value) findings.push(...referenceFindings(f.value, f.key.value).findings);
  }
  const tag = entry.newTag?.value;
  if (tag && !isTemplated(tag.value)) {
    if (!isValidTag(tag.value)) {
      findings.push(
        at(tag, 'invalid-reference', `newTag "${tag.value}" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".`),
      );
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

/** The findings of one document; `source` is its text, `brokenFrom` where its first YAML syntax error starts. */
export function imageFindings(fields: ImageFields, source: string, brokenFrom = Infinity): Finding[] {
  const findings: Finding[] = [];
  // Where the container after each one starts, in text order (the lists of a pod spec need not be).
  const starts = fields.containers.map((c) => c.start).sort((a, b) => a - b);
  const next = new Map(starts.map((start, i) => [start, starts[i + 1] ?? Infinity]));
  for (const container of fields.containers) {
    findings.push(...containerFindings(container, source, brokenFrom < (next.get(container.start) ?? Infinity)));
  }
  for (const entry of fields.kustomizeImages) findings.push(...kustomizeFindings(entry));
  return findings;
}
