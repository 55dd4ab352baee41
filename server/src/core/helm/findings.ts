/**
 * The offline findings of a values image, on the scalar that holds each problem: a reference the
 * chart would render invalid marks the part that breaks it, `latest` and a missing pin mark `tag:`'s
 * value (the repository's, when the tag is Chart.yaml's appVersion), a pull policy its value.
 */
import type { Finding } from '../diagnostics/finding';
import { caseHint } from '../diagnostics/imageFindings';
import type { Field } from '../manifest/imageFields';
import { plainScalarType } from '../manifest/plainScalarType';
import { defaultPullPolicy } from '../policy/pullPolicy';
import { quote } from '../reference/quote';
import { VALUES_RULE } from './location';
import { partAt, writtenSpan } from './render';
import type { RenderedPart, ValuesImage } from './types';

/** Where a finding about a part goes: its scalar when the image's own mapping holds it, else the image's key. */
function spanOf(image: ValuesImage, part: RenderedPart | null): { start: number; end: number } {
  const own = part?.scalar && part.scalar.start >= image.start && part.scalar.end <= image.end;
  return own ? { start: part.scalar!.start, end: part.scalar!.end } : { start: image.key.start, end: image.key.end };
}

function partOf(image: ValuesImage, role: RenderedPart['role']): RenderedPart | null {
  return image.rendered.parts.find((part) => part.role === role) ?? null;
}

function referenceFinding(image: ValuesImage): Finding[] {
  const { rendered } = image;
  const error = rendered.error;
  if (!error) return [];
  const part = partAt(rendered, error.start);
  const span = (part && writtenSpan(part, error.start, error.end)) ?? spanOf(image, part);
  const appVersion = rendered.tagFromAppVersion ? ' (its tag is appVersion in Chart.yaml)' : '';
  const emptyTag = !rendered.tagFromAppVersion && partOf(image, 'tag')?.start === partOf(image, 'tag')?.end && rendered.text.endsWith(':');
  const reason = emptyTag ? 'the tag is empty and Chart.yaml has no appVersion to stand in for it' : error.message.replace(/\.$/, '');
  return [
    { code: 'invalid-reference', message: `The chart renders ${quote(rendered.text)}${appVersion}, which is not a valid reference: ${reason}.`, ...span },
  ];
}

/** A tag YAML reads as a number: Helm prints the number, which may not be what is written (`1.10` renders `1.1`). */
function numericTag(tag: Field | null): Finding[] {
  const scalar = tag?.value;
  if (!scalar || scalar.style !== 'plain' || plainScalarType(scalar.value) !== 'number' || String(Number(scalar.value)) === scalar.value) return [];
  const message = `YAML reads the tag ${scalar.value} as a number, and Helm renders a number as it prints it (${String(Number(scalar.value))}), not as written; quote it: ${quote(scalar.value)}.`;
  return [{ code: 'image-not-string', message, start: scalar.start, end: scalar.end }];
}

function tagFindings(image: ValuesImage): Finding[] {
  const { rendered } = image;
  const ref = rendered.ref;
  if (!ref) return [];
  const tagPart = partOf(image, 'tag');
  // A tag from appVersion is marked on the repository, the value that names the image here.
  const where = rendered.tagFromAppVersion ? spanOf(image, partOf(image, 'repository')) : spanOf(image, tagPart);
  const shown = `The chart renders ${quote(rendered.text)}${rendered.tagFromAppVersion ? ' (its tag is appVersion in Chart.yaml)' : ''}`;
  if (ref.tag === 'latest' && ref.digest === null) {
    return [
      {
        code: 'latest-tag',
        message: `${shown}: ":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.`,
        ...where,
      },
    ];
  }
  if (ref.tag === 'latest' && ref.digest !== null && defaultPullPolicy(rendered.text).policy === 'Always' && !image.pullPolicy?.value?.value) {
    const message = `${shown}: the digest already pins it, but ":latest" makes Kubernetes default imagePullPolicy to Always, so every pod start asks the registry.`;
    return [{ code: 'digest-with-latest', message, ...where }];
  }
  if (ref.digest === null && ref.tag !== null) {
    const ignored = rendered.digestIgnored ? ` (the chart's templates do not read ${image.path}.digest)` : '';
    return [
      {
        code: 'not-pinned',
        message: `${shown}, not pinned to a digest${ignored}: if tag "${ref.tag}" is pushed again, new pods run different bytes.`,
        ...where,
      },
    ];
  }
  return [];
}

function pullPolicyFindings(image: ValuesImage): Finding[] {
  const value = image.pullPolicy?.value;
  if (!value || value.value === '') return [];
  const policy = VALUES_RULE;
  if (!(policy.policies as readonly string[]).includes(value.value)) {
    const hint = caseHint(policy.policies, value.value);
    const message = `pullPolicy "${value.value}" is not one of ${policy.policies.join(', ')}; the API server rejects the container the chart renders${hint}.`;
    return [{ code: 'invalid-pull-policy', message, start: value.start, end: value.end }];
  }
  const ref = image.rendered.ref;
  if (ref && defaultPullPolicy(image.rendered.text, policy).policy === value.value) {
    const message = `pullPolicy ${value.value} is what Kubernetes defaults to for ${quote(image.rendered.text)}; the line can go.`;
    return [{ code: 'redundant-pull-policy', message, start: value.start, end: value.end }];
  }
  return [];
}

/** The findings of the values images of one document, relative to its start. */
export function valuesFindings(images: readonly ValuesImage[]): Finding[] {
  return images.flatMap((image) => [...referenceFinding(image), ...numericTag(image.tag), ...tagFindings(image), ...pullPolicyFindings(image)]);
}
