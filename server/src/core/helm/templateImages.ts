/**
 * The images of a chart's templates that are built from values: an `image:` whose value holds
 * actions reading `.Values` (`"{{ .Values.image.repository }}:{{ .Values.image.tag | default
 * .Chart.AppVersion }}"`, `{{ include "common.images.image" (dict "imageRoot" .Values.image …) }}`,
 * `{{ .Values.image }}`, or fields of a `with .Values.controller.image` block). Named templates it
 * includes are followed (three levels deep) for the `.Values` they read. Hover starts with the summary
 * line of the reference the chart renders (imageHoverLines.ts), then which values the image comes from
 * and what the chart renders from each, from the values file's analysis;
 * definition leads from the template to the values keys.
 */
import type { Analysis } from '../analysis';
import { summaryLine } from '../features/imageHoverLines';
import { code } from '../features/markdown';
import type { Hover } from '../features/types';
import type { Span } from '../span';
import { actionsOf, chainsOf, valuesPathOf } from './chart';
import { valuesPolicyRecord } from './location';
import type { Action, ChartContext, Chain } from './chart';
import type { ValuesImage } from './types';

/** One `.Values` path an image reads, and where the template says so (the chain, or the `include` that leads to it). */
export interface TemplateRead {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export interface TemplateImage {
  /** The image value in the template text. */
  readonly start: number;
  readonly end: number;
  readonly reads: readonly TemplateRead[];
}

const IMAGE_LINE = /^[ \t]*(?:-[ \t]+)?(["']?)image\1[ \t]*:[ \t]*(.*?)[ \t]*\r?$/gm;
const INCLUDE = /\b(?:include|template)\s+"([^"]+)"\s*(\.(?![\w.])|\$(?![\w.]))?/g;
const MAX_INCLUDE_DEPTH = 3;

/** `with` blocks and the `.Values` path each makes the context; other blocks hide or keep it. */
function contexts(actions: readonly Action[]): (string | null)[] {
  const stack: (string | null)[] = [];
  const at: (string | null)[] = [];
  for (const action of actions) {
    const word = /^\s*(\w+)/.exec(action.inner)?.[1];
    at.push(stack[stack.length - 1] ?? null);
    if (word === 'end') stack.pop();
    else if (word === 'with')
      stack.push(
        chainsOf(action.inner, 0)
          .map(valuesPathOf)
          .find((path) => path !== null) ?? null,
      );
    else if (word === 'if') stack.push(stack[stack.length - 1] ?? null);
    else if (word === 'range' || word === 'define' || word === 'block') stack.push(null);
  }
  return at;
}

/** The path a chain reads: a `.Values` path, or a field of the `with` context. */
function pathOf(chain: Chain, context: string | null): string | null {
  const direct = valuesPathOf(chain);
  if (direct !== null) return direct;
  return context !== null && chain.variable === null && chain.fields[0] !== 'Values' ? `${context}.${chain.fields.join('.')}` : null;
}

/** The reads of a named template's body, reported at `span` (the include); `context` is what `.` is when it is passed. */
function includedReads(chart: ChartContext, name: string, context: string | null, span: Span, depth: number, out: TemplateRead[]): void {
  const body = chart.defines.get(name);
  if (body === undefined || depth > MAX_INCLUDE_DEPTH) return;
  for (const action of actionsOf(body)) {
    for (const chain of chainsOf(action.inner, 0)) {
      const path = pathOf(chain, context);
      if (path !== null) out.push({ path, ...span });
    }
    for (const include of action.inner.matchAll(INCLUDE)) includedReads(chart, include[1], include[2] ? context : null, span, depth + 1, out);
  }
}

function readsOf(chart: ChartContext, action: Action, context: string | null, out: TemplateRead[]): void {
  for (const chain of chainsOf(action.inner, action.innerStart)) {
    const path = pathOf(chain, context);
    if (path !== null) out.push({ path, start: chain.start, end: chain.end });
  }
  for (const include of action.inner.matchAll(INCLUDE)) {
    const start = action.innerStart + include.index;
    includedReads(chart, include[1], include[2] ? context : null, { start, end: start + include[0].length }, 1, out);
  }
}

/** The images of a template built from values, in text order. */
export function templateImages(text: string, chart: ChartContext): TemplateImage[] {
  const actions = actionsOf(text);
  const context = contexts(actions);
  const images: TemplateImage[] = [];
  for (const line of text.matchAll(IMAGE_LINE)) {
    const value = line[2];
    if (!value.includes('{{')) continue;
    const end = line.index + line[0].trimEnd().length;
    const start = end - value.length;
    const reads: TemplateRead[] = [];
    actions.forEach((action, i) => {
      if (action.start >= start && action.end <= end) readsOf(chart, action, context[i], reads);
    });
    const seen = new Set<string>();
    const unique = reads.filter((read) => !seen.has(`${read.path} ${read.start}`) && seen.add(`${read.path} ${read.start}`));
    if (unique.length > 0) images.push({ start, end, reads: unique });
  }
  return images;
}

export function templateImageAt(text: string, offset: number, chart: ChartContext): TemplateImage | null {
  return templateImages(text, chart).find((image) => offset >= image.start && offset <= image.end) ?? null;
}

/** The values images an image of a template reads, each once, with the document they are in. */
function valuesImagesOf(image: TemplateImage, values: Analysis): Array<{ image: ValuesImage; docStart: number; reads: TemplateRead[] }> {
  const found = new Map<ValuesImage, { image: ValuesImage; docStart: number; reads: TemplateRead[] }>();
  for (const doc of values.documents) {
    for (const candidate of doc.analysis.fields.values?.images ?? []) {
      for (const read of image.reads) {
        if (read.path !== candidate.path && !read.path.startsWith(`${candidate.path}.`)) continue;
        const entry = found.get(candidate) ?? { image: candidate, docStart: doc.start, reads: [] };
        entry.reads.push(read);
        found.set(candidate, entry);
      }
    }
  }
  return [...found.values()];
}

/** Hover on a template's image: the values it reads, and the reference the chart renders from `values` (the file `valuesName`). */
export function templateImageHover(image: TemplateImage, values: Analysis | null, valuesName: string): Hover {
  const paths = [...new Set(image.reads.map((read) => read.path))];
  const lines = [`**Image built from values**: ${paths.map((path) => code(`.Values.${path}`)).join(', ')}`];
  const found = values ? valuesImagesOf(image, values) : [];
  const first = found.find(({ image: from }) => from.rendered.ref)?.image;
  if (first?.rendered.ref) lines.unshift(summaryLine(first.rendered.ref, valuesPolicyRecord(first.rendered.text, first.pullPolicy), null), '');
  for (const { image: from } of found) {
    lines.push('', `From ${code(from.path)} in ${valuesName}, the chart renders ${code(from.rendered.text)}.`);
    if (from.rendered.tagFromAppVersion) lines.push('', 'Its tag is empty, so appVersion in Chart.yaml stands in.');
  }
  if (found.length === 0) lines.push('', `${valuesName} has no image object at ${paths.map((path) => code(path)).join(', ')}.`);
  return { markdown: lines.join('\n'), start: image.start, end: image.end };
}

/** The field of a values image a path names, if the image has it. */
function fieldKey(image: ValuesImage, path: string): Span | null {
  const field = path.slice(image.path.length + 1);
  const byName = {
    registry: image.registry,
    repository: image.repository,
    image: image.name,
    tag: image.tag,
    digest: image.digest,
    pullPolicy: image.pullPolicy,
  };
  return Object.hasOwn(byName, field) ? (byName[field as keyof typeof byName]?.key ?? null) : null;
}

/**
 * Where the values an image of a template reads are written in `values` (absolute spans): on a
 * read, its key (the image's key when it names no field of it); elsewhere in the image, the key of
 * each values image it reads.
 */
export function templateImageDefinitions(image: TemplateImage, offset: number, values: Analysis): Span[] {
  const targets: Span[] = [];
  for (const { image: from, docStart, reads } of valuesImagesOf(image, values)) {
    const on = reads.find((read) => offset >= read.start && offset <= read.end);
    if (!on && image.reads.some((read) => offset >= read.start && offset <= read.end)) continue;
    const key = (on && fieldKey(from, on.path)) ?? from.key;
    targets.push({ start: docStart + key.start, end: docStart + key.end });
  }
  return targets;
}
