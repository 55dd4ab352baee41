/**
 * The reference a chart renders from a values image, the way the conventions' templates build it:
 * - `helm create`: `repository:tag`, an empty tag being Chart.yaml's appVersion
 *   (`{{ .Values.image.tag | default .Chart.AppVersion }}`);
 * - Bitnami's `common.images.image`: `registry/repository:tag`, `global.imageRegistry` instead of
 *   the image's own registry when set, and `registry/repository@digest` when a digest is set;
 * - ingress-nginx: `repository` when set, else `registry/image`, then `:tag` and `@digest`.
 * A digest counts only where the templates read it (chart.ts); the registry of `global.imageRegistry`
 * only where they read that. Each part keeps the scalar it was written in, so findings and edits
 * go to the value that holds the problem.
 */
import { valueSpanToSource } from '../diagnostics/imageFindings';
import type { Field } from '../manifest/imageFields';
import type { YamlScalar } from '../manifest/yamlTree';
import { parseReference } from '../reference/reference';
import type { ChartContext } from './chart';
import { readsField } from './chart';
import type { PartRole, RenderedImage, RenderedPart, ValuesFields, WrittenImage } from './types';

function text(field: Field | null): string {
  return field?.value?.value ?? '';
}

class Builder {
  text = '';
  readonly parts: RenderedPart[] = [];

  add(role: PartRole, value: string, scalar: YamlScalar | null, source: string): void {
    this.parts.push({ role, start: this.text.length, end: this.text.length + value.length, scalar, source });
    this.text += value;
  }

  separator(value: string): void {
    this.text += value;
  }
}

/** Whether `global.imageRegistry` applies: the templates read it (Bitnami's helper does), or are not known. */
function globalApplies(chart: ChartContext): boolean {
  return !chart.templatesKnown || chart.bitnamiImages || chart.valuesPaths.has('global.imageRegistry');
}

/** The image's own field, else the `global.image` one that stands in for it when empty (Argo CD); with where it comes from. */
function orGlobal(own: Field | null, global: Field | null, ownSource: string, globalSource: string): { value: string; field: Field | null; source: string } {
  if (text(own) !== '' || text(global) === '') return { value: text(own), field: own, source: ownSource };
  return { value: text(global), field: global, source: globalSource };
}

export function renderValuesImage(image: WrittenImage, values: Omit<ValuesFields, 'images' | 'pullSecrets'>, chart: ChartContext): RenderedImage {
  const at = (key: string): string => `${image.path}.${key}`;
  const out = new Builder();
  const global = text(values.globalRegistry);
  const useGlobal = global !== '' && globalApplies(chart) && image.name === null;
  if (image.name !== null && text(image.repository) === '') {
    // ingress-nginx: registry/image, unless repository is set (then it is the whole name).
    out.add('registry', text(image.registry), image.registry?.value ?? null, at('registry'));
    out.separator('/');
    out.add('repository', text(image.name), image.name.value, at('image'));
  } else {
    const registry = useGlobal ? global : image.name === null ? text(image.registry) : '';
    if (registry !== '') {
      out.add('registry', registry, useGlobal ? values.globalRegistry!.value : image.registry!.value, useGlobal ? 'global.imageRegistry' : at('registry'));
      out.separator('/');
    }
    const repository = orGlobal(image.repository, values.globalRepository, at('repository'), 'global.image.repository');
    out.add('repository', repository.value, repository.field?.value ?? null, repository.source);
  }
  const digest = text(image.digest);
  // Without templates, a digest counts where the values have the key for one.
  const digestRead = chart.templatesKnown ? readsField(chart, image.path, 'digest') : image.digest !== null;
  const withDigest = digest !== '' && digestRead;
  const digestReplacesTag = chart.bitnamiImages;
  const tagField = orGlobal(image.tag, values.globalTag, at('tag'), 'global.image.tag');
  const tag = tagField.value;
  const tagFromAppVersion = tag === '' && chart.appVersion !== null;
  if (!(withDigest && digestReplacesTag)) {
    out.separator(':');
    if (tagFromAppVersion) out.add('tag', chart.appVersion!, null, 'appVersion in Chart.yaml');
    else out.add('tag', tag, tagField.field?.value ?? null, tagField.source);
  }
  if (withDigest) {
    out.separator('@');
    out.add('digest', digest, image.digest!.value, at('digest'));
  }
  const parsed = parseReference(out.text);
  const error = parsed.ok ? null : { message: parsed.error.message, ...parsed.error.span };
  return {
    text: out.text,
    parts: out.parts,
    ref: parsed.ok ? parsed.value : null,
    error,
    tagFromAppVersion,
    globalRegistry: useGlobal,
    digestIgnored: digest !== '' && !digestRead,
    digestRead,
    digestReplacesTag,
  };
}

/** The part of the rendered text at `offset` (the last one that ends after it, else the last). */
export function partAt(rendered: RenderedImage, offset: number): RenderedPart | null {
  return rendered.parts.find((part) => offset < part.end) ?? rendered.parts[rendered.parts.length - 1] ?? null;
}

/** Where a span of the rendered text was written: the characters in its scalar, else the whole scalar; null when it was not written here. */
export function writtenSpan(part: RenderedPart, start: number, end: number): { start: number; end: number } | null {
  if (!part.scalar) return null;
  const from = Math.max(start - part.start, 0);
  const to = Math.min(Math.max(end - part.start, from), part.end - part.start);
  return from === to ? { start: part.scalar.start, end: part.scalar.end } : valueSpanToSource(part.scalar, from, to);
}
