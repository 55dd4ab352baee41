/**
 * Hover on a values image (any of its fields, or its key): the reference the chart renders, where
 * each part comes from (`global.imageRegistry` over the image's registry, appVersion for an empty
 * tag, a digest the templates do not read), the pull policy in force, whether it is pinned and
 * what pinning takes, and with RegistryFacts what the registry says.
 */
import type { RegistryFacts } from '../facts';
import { paragraphs, policyLines, pulledLines, summaryLine } from '../features/imageHoverLines';
import { code } from '../features/markdown';
import { pullFailureLines, registryLines } from '../features/registryHover';
import type { ChartContext } from './chart';
import { valuesPolicyRecord } from './location';
import type { ValuesImage } from './types';

/** Each part of the rendered reference and where it comes from, as table rows. */
function sourceRows(image: ValuesImage): string[] {
  const rows = ['| Part | Value | From |', '|---|---|---|'];
  for (const part of image.rendered.parts) {
    const overrides = part.source === 'global.imageRegistry' ? ` (instead of ${code(`${image.path}.registry`)})` : '';
    const from = part.scalar === null ? part.source : code(part.source);
    const value = image.rendered.text.slice(part.start, part.end);
    rows.push(`| ${part.role.charAt(0).toUpperCase()}${part.role.slice(1)} | ${value === '' ? '*empty*' : code(value)} | ${from}${overrides} |`);
  }
  return rows;
}

/** What pinning this image writes, or what the chart lacks for it. */
function pinLines(image: ValuesImage, chart: ChartContext | null): string[] {
  const { rendered } = image;
  if (rendered.digestIgnored) {
    return [`**${code(`${image.path}.digest`)} is not read by the chart's templates**, so it changes nothing: ${needsDigest(image)}`];
  }
  if (rendered.ref?.digest === null && chart?.templatesKnown && !rendered.digestRead) return [`To pin it, ${needsDigest(image)}`];
  return [];
}

/** What the templates need before a digest in the values can pin the image. */
export function needsDigest(image: ValuesImage): string {
  return `the templates must read ${code(`.Values.${image.path}.digest`)} (for example \`@{{ .Values.${image.path}.digest }}\` after the tag in the image).`;
}

export function valuesHover(image: ValuesImage, chart: ChartContext | null, facts: RegistryFacts | null): string[] {
  const { rendered } = image;
  const heading = [`**Image the chart renders** ${code(rendered.text)}`];
  const ref = rendered.ref;
  if (!ref) return paragraphs(heading, [`**Invalid reference**: ${rendered.error?.message ?? ''}`], sourceRows(image));
  const holder = valuesPolicyRecord(rendered.text, image.pullPolicy);
  const pull = { image: rendered.text, record: holder, pullSecrets: image.pullSecrets };
  const registry = facts ? [...pullFailureLines(ref, pull, facts), ...registryLines(ref, facts)] : [];
  return paragraphs([summaryLine(ref, holder, facts)], heading, pulledLines(ref, policyLines(holder)), pinLines(image, chart), registry, sourceRows(image));
}
